/**
 * The outbox: deliveries written as record writes, so they land in the same atomic batch as the
 * change that caused them (a created or deleted meeting, the marker of an edit). A delivery copies
 * what sending needs (URL, sealed secret, the exact body), so it can still be sent after the
 * webhook's own record is gone. Pending deliveries live under their own key prefix (what a scan
 * reads); a finished one moves to its webhook's log, of which the newest LOG_LENGTH are kept.
 */
import { randomBytes } from 'node:crypto';
import type { WebhookEvent } from '../../shared/api-types.js';
import type { RecordWrite } from '../storage/meeting-store.js';
import { bodyFor, type EventData } from './webhook-events.js';
import { WEBHOOK_COLLECTIONS, pendingKey, webhookKey, type DeliveryRecord, type WebhookRecord } from './webhook-records.js';

/** Finished deliveries kept per webhook (the API shows them). */
export const LOG_LENGTH = 20;

/** A new delivery id (the webhook-id header), in the Standard Webhooks style. */
export const newDeliveryId = (): string => `msg_${randomBytes(16).toString('base64url')}`;

/** One event, to be delivered to some webhooks. */
export interface OutgoingEvent {
  type: WebhookEvent;
  at: number;
  /** The data for a webhook (links differ with the address each webhook was created through). */
  dataFor(webhook: WebhookRecord): EventData;
}

/** A delivery and its key, ready to be written. */
export interface NewDelivery {
  key: string;
  record: DeliveryRecord;
}

/** The webhooks of `candidates` that take `type` (enabled, subscribed). */
export const subscribers = (candidates: readonly WebhookRecord[], type: WebhookEvent): WebhookRecord[] =>
  candidates.filter((webhook) => webhook.disabled === null && webhook.events.includes(type));

/** A pending delivery of `event` to `webhook`, owned by `owner`. */
export const newDelivery = (webhook: WebhookRecord, event: OutgoingEvent, owner: string, options: { outlivesWebhook?: boolean } = {}): NewDelivery => {
  const record: DeliveryRecord = {
    id: newDeliveryId(),
    webhookId: webhook.id,
    webhookKey: webhookKey(webhook.scope, webhook.id),
    url: webhook.url,
    secret: webhook.secret,
    event: event.type,
    body: bodyFor(webhook.format, event.type, event.at, event.dataFor(webhook)),
    outlivesWebhook: options.outlivesWebhook ?? false,
    status: 'pending',
    attempts: 0,
    createdAt: event.at,
    lastAttemptAt: null,
    nextAttemptAt: event.at,
    lastStatus: null,
    lastError: null,
    owner,
  };
  return { key: pendingKey(record), record };
};

/** The record writes of new deliveries. */
export const deliveryWrites = (deliveries: readonly NewDelivery[]): RecordWrite[] =>
  deliveries.map(({ key, record }) => ({ collection: WEBHOOK_COLLECTIONS.outbox, key, value: record }));

/** Of one webhook's log (key order: oldest first), the entries past the log's length. */
export const beyondLog = (entries: ReadonlyArray<{ key: string }>): string[] => entries.slice(0, Math.max(0, entries.length - LOG_LENGTH)).map(({ key }) => key);
