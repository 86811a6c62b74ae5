/** Calls to the webhook API (GUIDE 1.11) of a meeting or a series; errors are ApiError, TypeError when offline. */
import type { CreatedWebhook, WebhookDelivery, WebhookEvent, WebhookFormat, WebhookInfo, WebhookList, WebhookPing } from '../../shared/api-types.js';
import { auth, fail } from './api.js';

export type { CreatedWebhook, WebhookDelivery, WebhookEvent, WebhookFormat, WebhookInfo };

/** What webhooks belong to: a meeting or a series, opened with its edit key. */
export interface WebhookScope {
  kind: 'meeting' | 'series';
  id: string;
  key: string;
}

const base = (scope: WebhookScope): string => `/api/${scope.kind === 'meeting' ? 'meetings' : 'series'}/${encodeURIComponent(scope.id)}/webhooks`;

/** The scope's webhooks with their recent deliveries. */
export const listWebhooks = async (scope: WebhookScope): Promise<WebhookInfo[]> => {
  const response = await fetch(base(scope), { headers: auth(scope.key), cache: 'no-store' });
  return response.ok ? ((await response.json()) as WebhookList).webhooks : fail(response);
};

/** Adds a webhook; the answer holds its secret, which is never shown again. */
export const addWebhook = async (scope: WebhookScope, body: { url: string; events: WebhookEvent[]; format: WebhookFormat }): Promise<CreatedWebhook> => {
  const response = await fetch(base(scope), {
    method: 'POST',
    headers: { ...auth(scope.key), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status === 201 ? ((await response.json()) as CreatedWebhook) : fail(response);
};

/** Removes a webhook and drops its pending deliveries. */
export const removeWebhook = async (scope: WebhookScope, id: string): Promise<void> => {
  const response = await fetch(`${base(scope)}/${encodeURIComponent(id)}`, { method: 'DELETE', headers: auth(scope.key) });
  if (response.status !== 204) await fail(response);
  else await response.body?.cancel();
};

/** Sends a `ping` now (one attempt) and answers with how that attempt went. */
export const pingWebhook = async (scope: WebhookScope, id: string): Promise<WebhookDelivery> => {
  const response = await fetch(`${base(scope)}/${encodeURIComponent(id)}/ping`, { method: 'POST', headers: auth(scope.key) });
  return response.ok ? ((await response.json()) as WebhookPing).delivery : fail(response);
};
