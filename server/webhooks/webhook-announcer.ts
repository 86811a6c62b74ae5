/**
 * Turns changes into outbox entries: a meeting created or deleted (written in the same batch as
 * the meeting itself, through the meeting service's lifecycle writes) and a meeting edited (its
 * debounced meeting.updated, the action items new or done since the baseline, meeting.ended with
 * the minutes). It only plans writes; whoever commits them tells the dispatcher afterwards.
 */
import type { Revision, WebhookEvent } from '../../shared/api-types.js';
import { Errors } from '../errors.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MinutesService } from '../minutes/minutes-service.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore, RecordCollection, RecordWrite } from '../storage/meeting-store.js';
import { SERIES_COLLECTIONS, type SeriesLink, type SeriesRecord } from '../series/series-record.js';
import type { Dispatcher } from './dispatcher.js';
import { baselineOfText, changesSince, readFacts } from './meeting-facts.js';
import { deliveryWrites, newDelivery, subscribers, type NewDelivery, type OutgoingEvent } from './outbox.js';
import type { Ownership } from './ownership.js';
import { deletedPending, removalWrites } from './removal.js';
import type { EventData } from './webhook-events.js';
import { WEBHOOK_COLLECTIONS, type Baseline, type DeliveryRecord, type WebhookRecord } from './webhook-records.js';
import { WebhookTargets, dataFor, type MeetingSubject } from './webhook-targets.js';

/** Pending deliveries one webhook may pile up on an instance (a receiver down for days): queued, retrying or in flight. */
export const MAX_PENDING_PER_WEBHOOK = 1000;

/** Writes to commit, what to do once they are durable, and (if given) once the batch is over either way. */
export interface Plan {
  writes: RecordWrite[];
  committed(): void;
  released?(): void;
}

/** What the announcer reads from. */
export interface AnnouncerDeps {
  store: MeetingStore;
  meetings: MeetingService;
  minutes: MinutesService;
  dispatcher: Dispatcher;
  ownership: Ownership;
  clock: { now(): number };
  publicUrl: string;
}

/** One event to some webhooks. */
interface Announcement {
  type: WebhookEvent;
  webhooks: WebhookRecord[];
  data: (webhook: WebhookRecord) => EventData;
  outlivesWebhook?: boolean;
}

/** Plans the deliveries of meeting events. */
export class WebhookAnnouncer {
  readonly #deps: AnnouncerDeps;
  readonly #targets: WebhookTargets;
  readonly #baselines: RecordCollection<Baseline>;

  constructor(deps: AnnouncerDeps) {
    this.#deps = deps;
    this.#targets = new WebhookTargets(deps.store);
    this.#baselines = deps.store.collection<Baseline>(WEBHOOK_COLLECTIONS.baseline);
  }

  /** meeting.created (to the series' and server-wide webhooks) and the new meeting's baseline. */
  async created(record: MeetingRecord, content: { agenda: string; notes: string }, also: readonly RecordWrite[]): Promise<Plan> {
    // A meeting started in a series is stored with its link and the series update.
    const link = also.find((write) => write.collection === SERIES_COLLECTIONS.links && write.key === record.id)?.value as SeriesLink | undefined;
    const seriesWrite = link ? also.find((write) => write.collection === SERIES_COLLECTIONS.series && write.key === link.seriesId)?.value as SeriesRecord | undefined : undefined;
    const series = link ? (seriesWrite ? { id: seriesWrite.id, title: seriesWrite.title } : await this.#targets.seriesOf(record.id)) : null;
    const { others } = await this.#targets.of(null, link?.seriesId ?? null);
    const subject: MeetingSubject = { id: record.id, title: record.title, series };
    const baseline: RecordWrite = { collection: WEBHOOK_COLLECTIONS.baseline, key: record.id, value: baselineOfText(content) };
    return this.#plan([{ type: 'meeting.created', webhooks: others, data: (webhook) => dataFor(this.#deps.publicUrl, subject, webhook) }], [baseline]);
  }

  /**
   * meeting.deleted, to its own webhooks too; those go with the meeting (the store removes their
   * records), and so do all their deliveries, but for these last ones, removed once sent.
   */
  async deleted(record: MeetingRecord): Promise<Plan> {
    const series = await this.#targets.seriesOf(record.id);
    const { own, others } = await this.#targets.of(record.id, series?.id ?? null);
    const ids = own.map((webhook) => webhook.id);
    const release = await this.#deps.dispatcher.hold(ids);
    try {
      const removals = await removalWrites(this.#deps.store.collection<DeliveryRecord>(WEBHOOK_COLLECTIONS.outbox), ids);
      const subject: MeetingSubject = { id: record.id, title: record.title, series };
      const data = (webhook: WebhookRecord): EventData => dataFor(this.#deps.publicUrl, subject, webhook);
      const plan = this.#plan(
        [
          { type: 'meeting.deleted', webhooks: own, data, outlivesWebhook: true },
          { type: 'meeting.deleted', webhooks: others, data },
        ],
        removals,
      );
      return {
        writes: plan.writes,
        committed: () => {
          this.#deps.dispatcher.forget(deletedPending(removals));
          plan.committed();
        },
        released: release,
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The events of a meeting's edits since the last time: meeting.updated, items, meeting.ended. */
  async changed(meetingId: string): Promise<Plan> {
    const record = await this.#deps.store.getMeeting(meetingId);
    if (!record) return this.#plan([]);
    const facts = await readFacts(this.#deps.meetings, meetingId).catch((error: unknown) => {
      if (error instanceof Errors.MeetingDeleted) return null;
      throw error;
    });
    if (!facts) return this.#plan([]);
    const changes = changesSince(await this.#baselines.get(meetingId), facts);
    const series = await this.#targets.seriesOf(meetingId);
    const { own, others } = await this.#targets.of(meetingId, series?.id ?? null);
    const webhooks = [...own, ...others];
    const subject: MeetingSubject = { id: meetingId, title: facts.title ?? record.title, series };
    const data = (extra: Parameters<typeof dataFor>[3] = {}) => (webhook: WebhookRecord) => dataFor(this.#deps.publicUrl, subject, webhook, extra);
    const announcements: Announcement[] = [{ type: 'meeting.updated', webhooks, data: data({ updatedAt: record.updatedAt }) }];
    for (const item of changes.created) announcements.push({ type: 'action_item.created', webhooks, data: data({ actionItem: item }) });
    for (const item of changes.done) announcements.push({ type: 'action_item.done', webhooks, data: data({ actionItem: item }) });
    if (changes.ended) {
      const minutes = await this.#minutesByLink(record, subscribers(webhooks, 'meeting.ended'), subject);
      announcements.push({ type: 'meeting.ended', webhooks, data: (webhook) => dataFor(this.#deps.publicUrl, subject, webhook, { minutes: minutes.get(this.#linkOf(subject, webhook)) ?? '' }) });
    }
    return this.#plan(announcements, [{ collection: WEBHOOK_COLLECTIONS.baseline, key: meetingId, value: changes.baseline }]);
  }

  /** revision.named: the meeting's current state was kept under a name (GUIDE 1.9); `data.revision` is the revision. */
  async revisionNamed(meetingId: string, revision: Revision): Promise<Plan> {
    const record = await this.#deps.store.getMeeting(meetingId);
    if (!record) return this.#plan([]);
    const series = await this.#targets.seriesOf(meetingId);
    const { own, others } = await this.#targets.of(meetingId, series?.id ?? null);
    const subject: MeetingSubject = { id: meetingId, title: record.title, series };
    return this.#plan([{ type: 'revision.named', webhooks: [...own, ...others], data: (webhook) => dataFor(this.#deps.publicUrl, subject, webhook, { revision }) }]);
  }

  #linkOf(subject: MeetingSubject, webhook: WebhookRecord): string {
    const data = dataFor(this.#deps.publicUrl, subject, webhook);
    return 'meeting' in data ? data.meeting.url : '';
  }

  // The minutes link to the meeting; webhooks created through different addresses get their own link.
  async #minutesByLink(record: MeetingRecord, webhooks: WebhookRecord[], subject: MeetingSubject): Promise<Map<string, string>> {
    const minutes = new Map<string, string>();
    for (const webhook of webhooks) {
      const link = this.#linkOf(subject, webhook);
      if (!minutes.has(link)) minutes.set(link, await this.#deps.minutes.minutesOf(record, link));
    }
    return minutes;
  }

  #plan(announcements: Announcement[], extra: RecordWrite[] = []): Plan {
    const { dispatcher, ownership, clock } = this.#deps;
    const at = clock.now();
    const deliveries: NewDelivery[] = [];
    const planned = new Map<string, number>();
    for (const { type, webhooks, data, outlivesWebhook } of announcements) {
      const event: OutgoingEvent = { type, at, dataFor: data };
      for (const webhook of subscribers(webhooks, type)) {
        const pending = dispatcher.pendingOf(webhook.id) + (planned.get(webhook.id) ?? 0);
        // A webhook that outlives: its backlog is removed in the same batch.
        if (!outlivesWebhook && pending >= MAX_PENDING_PER_WEBHOOK) continue;
        planned.set(webhook.id, (planned.get(webhook.id) ?? 0) + 1);
        deliveries.push(newDelivery(webhook, event, ownership.instanceId, { outlivesWebhook: outlivesWebhook ?? false }));
      }
    }
    return { writes: [...deliveryWrites(deliveries), ...extra], committed: () => dispatcher.added(deliveries) };
  }
}
