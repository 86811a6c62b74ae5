/**
 * What the server stores for webhooks, in four record collections:
 *
 *   webhooks          MEETING!WID           -> WebhookRecord (a meeting's: deleted with it)
 *                     ~s!SERIES!WID         -> WebhookRecord (a series')
 *                     ~a!WID                -> WebhookRecord (server-wide)
 *   webhook-outbox    ~p!WID!CREATED!MSGID  -> DeliveryRecord, pending (the outbox proper: what a scan reads)
 *                     ~WID!CREATED!MSGID    -> DeliveryRecord, finished (the delivery log, newest 20 kept
 *                                              per webhook; a finishing attempt moves it here atomically)
 *   webhook-changes   MEETING!GEN           -> ChangeMarker ("edited since the last meeting.updated")
 *   webhook-baseline  MEETING               -> Baseline (items and end seen last, so nothing is told twice)
 *   webhook-instances ~i!INSTANCE           -> Heartbeat (several instances on one database; removed
 *                                              once another instance adopted a dead one's work)
 *
 * Keys that must outlive a meeting start with `~`, outside the meeting id alphabet, so they never
 * equal a meeting id or start with `id!` (the store deletes those with the meeting).
 */
import type { WebhookDelivery, WebhookEvent, WebhookFormat, WebhookInfo } from '../../shared/api-types.js';
import type { SealedSecret } from './secret-box.js';

/** Collection names (part of stored keys: never rename). */
export const WEBHOOK_COLLECTIONS = {
  webhooks: 'webhooks',
  outbox: 'webhook-outbox',
  changes: 'webhook-changes',
  baseline: 'webhook-baseline',
  instances: 'webhook-instances',
} as const;

/** Where a webhook is configured. */
export type WebhookScope = { kind: 'meeting'; id: string } | { kind: 'series'; id: string } | { kind: 'server' };

/** A webhook as stored. */
export interface WebhookRecord {
  id: string;
  scope: WebhookScope;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  /** The signing secret, encrypted (signing needs it in clear, so it cannot be hashed). */
  secret: SealedSecret;
  createdAt: string;
  /** `protocol://host` the webhook was created through: the base of links in its payloads. */
  origin: string | null;
  /** When an attempt last got through (ms), or null: a delivery given up with none since its event disables the webhook. */
  lastSuccessAt: number | null;
  disabled: { at: string; reason: string } | null;
}

/** One event for one webhook: everything needed to send it, even once its webhook record is gone. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  /** Key of the webhook in `webhooks` (to keep its failure state). */
  webhookKey: string;
  url: string;
  secret: SealedSecret;
  event: WebhookEvent;
  /** The exact body sent on every attempt. */
  body: string;
  /** Sent even after its webhook record is gone (meeting.deleted to the meeting's own webhooks). */
  outlivesWebhook: boolean;
  status: WebhookDelivery['status'];
  attempts: number;
  createdAt: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /** The instance that sends it (several instances: only that one, unless it died). */
  owner: string;
}

/** A meeting changed after its last meeting.updated; written with the edit itself. */
export interface ChangeMarker {
  at: number;
  owner: string;
}

/** What was last announced of a meeting: its action items (id -> done) and when it last ended. */
export interface Baseline {
  items: Record<string, boolean>;
  endedAt: number | null;
}

/** An instance's sign of life (several instances on one database). */
export interface Heartbeat {
  at: number;
  /** Written when it stops: the others adopt its work at their next heartbeat. */
  stopped?: boolean;
}

/** Key prefix of a scope's webhooks. */
export const scopePrefix = (scope: WebhookScope): string =>
  scope.kind === 'meeting' ? `${scope.id}!` : scope.kind === 'series' ? `~s!${scope.id}!` : '~a!';

/** Key of a webhook record. */
export const webhookKey = (scope: WebhookScope, id: string): string => `${scopePrefix(scope)}${id}`;

/** Key prefix of every pending delivery (webhook ids start with `wh_`, so no log key starts so). */
export const PENDING_PREFIX = '~p!';

/** Key prefix of a webhook's pending deliveries (oldest first in key order). */
export const pendingPrefix = (webhookId: string): string => `${PENDING_PREFIX}${webhookId}!`;

/** Key prefix of a webhook's finished deliveries, its log (oldest first in key order). */
export const logPrefix = (webhookId: string): string => `~${webhookId}!`;

type DeliveryName = Pick<DeliveryRecord, 'webhookId' | 'createdAt' | 'id'>;
const suffix = (delivery: DeliveryName): string => `${String(delivery.createdAt).padStart(15, '0')}!${delivery.id}`;

/** Key of a delivery while it is pending. */
export const pendingKey = (delivery: DeliveryName): string => `${pendingPrefix(delivery.webhookId)}${suffix(delivery)}`;

/** Key of a delivery once it is finished (in its webhook's log). */
export const logKey = (delivery: DeliveryName): string => `${logPrefix(delivery.webhookId)}${suffix(delivery)}`;

/** The webhook id of a pending delivery's key. */
export const webhookOfPending = (key: string): string => key.slice(PENDING_PREFIX.length, key.indexOf('!', PENDING_PREFIX.length));

/** Where a webhook key says its webhook lives: a meeting's and a series' go when their scope is deleted. */
export const scopeOfWebhookKey = (key: string): WebhookScope => {
  if (key.startsWith('~a!')) return { kind: 'server' };
  if (key.startsWith('~s!')) return { kind: 'series', id: key.slice(3, key.indexOf('!', 3)) };
  return { kind: 'meeting', id: key.slice(0, key.indexOf('!')) };
};

/** Key of a change marker. */
export const markerKey = (meetingId: string, generation: string): string => `${meetingId}!${generation}`;

/** The meeting id of a change marker's key. */
export const meetingOfMarker = (key: string): string => key.slice(0, key.indexOf('!'));

/** Key of an instance's heartbeat. */
export const heartbeatKey = (instance: string): string => `~i!${instance}`;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A delivery as the API shows it. */
export const deliveryView = (delivery: DeliveryRecord): WebhookDelivery => ({
  id: delivery.id,
  event: delivery.event,
  status: delivery.status,
  attempts: delivery.attempts,
  createdAt: new Date(delivery.createdAt).toISOString(),
  lastAttemptAt: iso(delivery.lastAttemptAt),
  nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
  lastStatus: delivery.lastStatus,
  lastError: delivery.lastError,
});

/** A webhook as the API lists it (never its secret). */
export const webhookView = (webhook: WebhookRecord, deliveries: WebhookDelivery[]): WebhookInfo => ({
  id: webhook.id,
  url: webhook.url,
  events: webhook.events,
  format: webhook.format,
  createdAt: webhook.createdAt,
  disabled: webhook.disabled,
  deliveries,
});
