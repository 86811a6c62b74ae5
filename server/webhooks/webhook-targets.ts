/**
 * Who hears about a meeting: its own webhooks, its series' and the server-wide ones; and how an
 * event names the meeting to each (the link is built on the address the webhook was created
 * through, unless MEETPAD_PUBLIC_URL says where the server lives).
 */
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import { SERIES_COLLECTIONS, type SeriesLink, type SeriesRecord } from '../series/series-record.js';
import type { EventData } from './webhook-events.js';
import { WEBHOOK_COLLECTIONS, scopePrefix, type WebhookRecord } from './webhook-records.js';

/** A meeting as events describe it, before the link of each webhook is added. */
export interface MeetingSubject {
  id: string;
  title: string;
  series: { id: string; title: string } | null;
}

/** The data of an event about `subject`, for `webhook`, plus event-specific fields. */
export const dataFor = (publicUrl: string, subject: MeetingSubject, webhook: WebhookRecord, extra: Omit<Extract<EventData, { meeting: unknown }>, 'meeting' | 'series'> = {}): EventData => {
  const base = (publicUrl || webhook.origin || '').replace(/\/+$/, '');
  return { meeting: { id: subject.id, title: subject.title, url: `${base}/m/${subject.id}` }, series: subject.series, ...extra };
};

/** Reads the webhooks that may hear about a meeting. */
export class WebhookTargets {
  readonly #webhooks: RecordCollection<WebhookRecord>;
  readonly #links: RecordCollection<SeriesLink>;
  readonly #series: RecordCollection<SeriesRecord>;

  constructor(store: MeetingStore) {
    this.#webhooks = store.collection<WebhookRecord>(WEBHOOK_COLLECTIONS.webhooks);
    this.#links = store.collection<SeriesLink>(SERIES_COLLECTIONS.links);
    this.#series = store.collection<SeriesRecord>(SERIES_COLLECTIONS.series);
  }

  /** The series of a meeting (id and title), or null. */
  async seriesOf(meetingId: string): Promise<{ id: string; title: string } | null> {
    const link = await this.#links.get(meetingId);
    const series = link ? await this.#series.get(link.seriesId) : undefined;
    return series ? { id: series.id, title: series.title } : null;
  }

  /** The meeting's own webhooks, its series' (`seriesId`) and the server-wide ones. */
  async of(meetingId: string | null, seriesId: string | null): Promise<{ own: WebhookRecord[]; others: WebhookRecord[] }> {
    const values = async (prefix: string): Promise<WebhookRecord[]> => (await this.#webhooks.list(prefix)).map(({ value }) => value);
    const [own, series, server] = await Promise.all([
      meetingId ? values(scopePrefix({ kind: 'meeting', id: meetingId })) : [],
      seriesId ? values(scopePrefix({ kind: 'series', id: seriesId })) : [],
      values(scopePrefix({ kind: 'server' })),
    ]);
    return { own, others: [...series, ...server] };
  }
}
