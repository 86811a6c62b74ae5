/**
 * What an attempt writes once it is over, built on the webhook as it is now, never on the copy read
 * before the attempt: the webhook is read again right before the write, so one removed meanwhile
 * is not written back (it would come back), and a delivery whose webhook is gone leaves nothing
 * behind once finished. A meeting's or a series' webhook also goes when its scope is deleted,
 * possibly by another instance between that read and the write: after writing, the scope is read
 * again (writes settle in order, so a deletion that settled first is seen) and, if it is gone,
 * what was just written is removed.
 */
import type { MeetingStore, RecordCollection, RecordWrite } from '../storage/meeting-store.js';
import { SERIES_COLLECTIONS, type SeriesRecord } from '../series/series-record.js';
import { WEBHOOK_COLLECTIONS, logKey, scopeOfWebhookKey, type DeliveryRecord, type WebhookRecord, type WebhookScope } from './webhook-records.js';

/** How an attempt ended, to be written. */
export interface Outcome {
  /** The delivery's pending key (null for a ping, which is never pending). */
  pendingKey: string | null;
  /** The delivery after the attempt: still `pending` (retried later), or finished. */
  delivery: DeliveryRecord;
  /** The webhook's change, made from its current record (null or absent: none). */
  webhook?: (current: WebhookRecord) => WebhookRecord | null;
}

/** Whether a webhook scope still exists (the server's always does). */
export const scopeExists = async (store: MeetingStore, scope: WebhookScope): Promise<boolean> => {
  if (scope.kind === 'meeting') return (await store.getMeeting(scope.id)) !== undefined;
  if (scope.kind === 'series') return (await store.collection<SeriesRecord>(SERIES_COLLECTIONS.series).get(scope.id)) !== undefined;
  return true;
};

/** Writes an outcome; returns whether the delivery is still pending in the outbox afterwards. */
export const writeBack = async (store: MeetingStore, webhooks: RecordCollection<WebhookRecord>, { pendingKey, delivery, webhook }: Outcome): Promise<boolean> => {
  const outbox = WEBHOOK_COLLECTIONS.outbox;
  const current = await webhooks.get(delivery.webhookKey);
  const pending = delivery.status === 'pending';
  if (!current && !delivery.outlivesWebhook) {
    // Removed during the attempt: nothing of it is written, and its delivery goes too.
    if (pendingKey) await store.writeRecords([{ collection: outbox, key: pendingKey, value: null }]);
    return false;
  }
  const writes: RecordWrite[] = [];
  if (pendingKey) writes.push({ collection: outbox, key: pendingKey, value: pending ? delivery : null });
  // A finished delivery joins its webhook's log; one that outlived its webhook leaves nothing.
  if (!pending && current) writes.push({ collection: outbox, key: logKey(delivery), value: delivery });
  const changed = current && webhook ? webhook(current) : null;
  if (changed) writes.push({ collection: WEBHOOK_COLLECTIONS.webhooks, key: delivery.webhookKey, value: changed });
  await store.writeRecords(writes);
  if (current && !delivery.outlivesWebhook && !(await scopeExists(store, scopeOfWebhookKey(delivery.webhookKey)))) {
    await store.writeRecords(writes.filter((write) => write.value !== null).map((write) => ({ ...write, value: null })));
    return false;
  }
  return pending;
};
