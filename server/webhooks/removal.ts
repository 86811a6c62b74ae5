/**
 * Webhooks removed with what they belong to, leaving nothing behind. A webhook's deliveries are
 * keyed outside its scope (they may outlive it), so the store's deletion of a meeting does not
 * remove them: these are the writes that do, in the same batch as the deletion. The webhooks are
 * held meanwhile (dispatcher.ts), so no attempt writes anything back after the batch. A
 * `meeting.deleted` still pending for a removed series webhook is kept, marked to outlive it: it
 * is sent, then removed once finished (a series' webhooks hear that its meetings were deleted).
 */
import type { LifecycleWrites } from '../meetings/meeting-service.js';
import type { MeetingStore, RecordCollection, RecordWrite } from '../storage/meeting-store.js';
import type { Dispatcher } from './dispatcher.js';
import type { NewDelivery } from './outbox.js';
import { PENDING_PREFIX, WEBHOOK_COLLECTIONS, logPrefix, pendingPrefix, scopePrefix, type DeliveryRecord, type WebhookRecord } from './webhook-records.js';

/** The pending keys among `writes` that delete (for Dispatcher.forget). */
export const deletedPending = (writes: readonly RecordWrite[]): string[] =>
  writes.filter((write) => write.value === null && write.key.startsWith(PENDING_PREFIX)).map((write) => write.key);

/** Deletes of every delivery (pending and logged) of the webhooks; `keep` may keep a pending one, changed. */
export const removalWrites = async (
  outbox: RecordCollection<DeliveryRecord>,
  webhookIds: readonly string[],
  keep: (pending: DeliveryRecord) => DeliveryRecord | null = () => null,
): Promise<RecordWrite[]> => {
  const writes: RecordWrite[] = [];
  for (const id of webhookIds) {
    for (const { key, value } of await outbox.list(pendingPrefix(id))) writes.push({ collection: WEBHOOK_COLLECTIONS.outbox, key, value: keep(value) });
    for (const { key } of await outbox.list(logPrefix(id))) writes.push({ collection: WEBHOOK_COLLECTIONS.outbox, key, value: null });
  }
  return writes;
};

/** The writes that remove a series' webhooks with the series (its meetings are already deleted). */
export const seriesRemoval = async (store: MeetingStore, dispatcher: Dispatcher, seriesId: string): Promise<LifecycleWrites> => {
  const webhooks = await store.collection<WebhookRecord>(WEBHOOK_COLLECTIONS.webhooks).list(scopePrefix({ kind: 'series', id: seriesId }));
  const ids = webhooks.map(({ value }) => value.id);
  const release = await dispatcher.hold(ids);
  try {
    const outbox = store.collection<DeliveryRecord>(WEBHOOK_COLLECTIONS.outbox);
    const writes = await removalWrites(outbox, ids, (pending) => (pending.event === 'meeting.deleted' ? { ...pending, outlivesWebhook: true } : null));
    const kept: NewDelivery[] = writes.flatMap(({ key, value }) => (value ? [{ key, record: value as DeliveryRecord }] : []));
    return {
      writes: [...webhooks.map(({ key }) => ({ collection: WEBHOOK_COLLECTIONS.webhooks, key, value: null })), ...writes],
      committed: () => {
        dispatcher.forget(deletedPending(writes));
        dispatcher.added(kept);
      },
      released: release,
    };
  } catch (error) {
    release();
    throw error;
  }
};
