/**
 * When to try a failed delivery again, and when a webhook has failed long enough to be disabled.
 * Pure: the dispatcher applies it.
 */
import type { DeliveryRecord, WebhookRecord } from './webhook-records.js';

/** Longest wait between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * The wait after `attempts` failed attempts: `retryMs` doubling per failure, ±25% (`random` in
 * [0, 1)), then capped: never more than MAX_RETRY_DELAY_MS.
 */
export const retryDelay = (retryMs: number, attempts: number, random: number): number =>
  Math.round(Math.min(retryMs * 2 ** Math.max(0, attempts - 1) * (0.75 + random * 0.5), MAX_RETRY_DELAY_MS));

/**
 * A delivery was given up: if nothing got through to its webhook since that delivery's event, the
 * receiver has failed for the whole give-up time and the webhook is disabled (a good ping enables
 * it again). Returns the `disabled` value to store, or null.
 */
export const disabledAfterGivingUp = (webhook: WebhookRecord, delivery: DeliveryRecord, at: number, error: string | null): WebhookRecord['disabled'] => {
  if (webhook.disabled || (webhook.lastSuccessAt !== null && webhook.lastSuccessAt >= delivery.createdAt)) return null;
  const since = webhook.lastSuccessAt === null ? 'it was added' : new Date(webhook.lastSuccessAt).toISOString();
  return { at: new Date(at).toISOString(), reason: `no delivery got through since ${since}, for longer than the retry time; last error: ${error}` };
};
