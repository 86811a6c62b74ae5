/**
 * Series (GUIDE 1.7): creating one, turning a meeting into one, starting the next meeting (template
 * plus carry-over, written in the same atomic batch as the series update) and deleting a series
 * with all its meetings. Writes to one series (or one meeting being turned into one) are
 * serialised, so concurrent requests never lose a meeting from the list. Each meeting of a series
 * has a link (deleted with it) and a membership (kept, so the series' keys hear "deleted").
 */
import type { CreatedSeries, CreatedSeriesMeeting, MeetingSeriesLinks, SeriesInfo } from '../../shared/api-types.js';
import { clampTitle } from '../../shared/markdown.js';
import { parseMeeting, toMeetingItems } from '../../shared/meeting-parser.js';
import type { Clock } from '../clock.js';
import { Errors } from '../errors.js';
import type { MeetingAccess } from '../meetings/meeting-access.js';
import type { LifecycleWrites, MeetingService } from '../meetings/meeting-service.js';
import { hashKey, newKey, newMeetingId } from '../security/keys.js';
import type { MeetingStore, RecordCollection, RecordWrite } from '../storage/meeting-store.js';
import { openItemsOf } from './action-log.js';
import { carriedLines, itemKey, withCarriedOver } from './carry-over.js';
import type { DurableReader } from './durable-text.js';
import { KeyedLock } from './keyed-lock.js';
import { openSeries, type SeriesAccess } from './series-access.js';
import { seriesCalendar } from './series-calendar.js';
import { DATE_YEARS, dayOf, isSeriesDate } from './series-dates.js';
import { SERIES_COLLECTIONS, memberKey, type Cadence, type SeriesLink, type SeriesRecord, type SeriesTombstone } from './series-record.js';
import { DEFAULT_TEMPLATE, fillTemplate, templateFromMeeting } from './series-template.js';
import { describeSeries, existingMeetings, itemRefsOf, linksOf, plannedDate, seriesItems, shownDate } from './series-view.js';

/** The title of a series created with a blank one. */
export const UNTITLED_SERIES = 'Untitled series';

// The link (deleted with the meeting) and the membership (kept after it) of a meeting in a series.
const membershipOf = (meetingId: string, seriesId: string): RecordWrite[] => [
  { collection: SERIES_COLLECTIONS.links, key: meetingId, value: { seriesId } satisfies SeriesLink },
  { collection: SERIES_COLLECTIONS.members, key: memberKey(meetingId), value: { seriesId } satisfies SeriesLink },
];

/** What a series needs around it. */
export interface SeriesDeps {
  store: MeetingStore;
  meetings: MeetingService;
  readText: DurableReader;
  clock: Clock;
  /** Largest page a new meeting may start with (the import limit: placeholders can multiply a template). */
  maxPageBytes: number;
}

/** Series operations behind the HTTP routes. */
export class SeriesService {
  readonly #deps: SeriesDeps;
  readonly #series: RecordCollection<SeriesRecord>;
  readonly #links: RecordCollection<SeriesLink>;
  readonly #tombstones: RecordCollection<SeriesTombstone>;
  readonly #lock = new KeyedLock();
  readonly #deletionWrites: Array<(series: SeriesRecord) => Promise<LifecycleWrites>> = [];

  constructor(deps: SeriesDeps) {
    this.#deps = deps;
    // Opened at start-up: a store removes a deleted meeting's records only from collections in use.
    this.#series = deps.store.collection<SeriesRecord>(SERIES_COLLECTIONS.series);
    this.#links = deps.store.collection<SeriesLink>(SERIES_COLLECTIONS.links);
    this.#tombstones = deps.store.collection<SeriesTombstone>(SERIES_COLLECTIONS.tombstones);
  }

  /** The series and the role `key` grants (coded errors otherwise: see openSeries). */
  open(id: string, key: string | undefined): Promise<SeriesAccess> {
    return openSeries({ series: this.#series, tombstones: this.#tombstones }, id, key);
  }

  /** Creates a series without meetings; its first meeting is started like every next one. */
  async create(input: { title: string; cadence?: Cadence | undefined; template?: string | undefined; firstDate?: string | undefined }): Promise<CreatedSeries> {
    const { series, created } = this.#newSeries(input.title, input.cadence, input.template ?? DEFAULT_TEMPLATE, input.firstDate ?? null, []);
    await this.#series.put(series.id, series);
    return created;
  }

  /** Turns a standalone meeting into the first meeting of a new series; its page becomes the template. */
  fromMeeting({ record }: MeetingAccess, input: { title?: string | undefined; cadence?: Cadence | undefined }): Promise<CreatedSeries> {
    return this.#lock.run(record.id, async () => {
      // A link whose series is gone (a deletion that stopped halfway) does not count.
      const link = await this.#links.get(record.id);
      if (link && (await this.#series.get(link.seriesId))) throw new Errors.AlreadyInSeries();
      const current = await this.#deps.store.getMeeting(record.id);
      if (!current) throw new Errors.MeetingDeleted();
      const date = dayOf(Date.parse(current.createdAt));
      const template = templateFromMeeting(await this.#deps.readText(current.id), current.title, date);
      const { series, created } = this.#newSeries(input.title ?? current.title, input.cadence, template, date, [{ id: current.id, date }]);
      const writes = [{ collection: SERIES_COLLECTIONS.series, key: series.id, value: series }, ...membershipOf(current.id, series.id)];
      await this.#deps.store.writeRecords(writes);
      // A deletion that settled since the meeting was read removed it, but not what is written after
      // it (writes settle in order): undo, so nothing is left pointing at a deleted meeting.
      if (!(await this.#deps.store.getMeeting(current.id))) {
        await this.#deps.store.writeRecords(writes.map((write) => ({ ...write, value: null })));
        throw new Errors.MeetingDeleted();
      }
      return created;
    });
  }

  /** `GET /api/series/:id` → 200. */
  describe(access: SeriesAccess): Promise<SeriesInfo> {
    return describeSeries({ store: this.#deps.store, readItems: this.#deps.readText.actionItems, today: this.#today() }, access);
  }

  /**
   * Starts the next meeting: title and date from the cadence (unless given), the template's page,
   * and the items still open in the series (its rolling log) carried over, except the tasks the
   * template already has; stored with the series update.
   */
  startNext(seriesId: string, input: { date?: string | undefined; title?: string | undefined }): Promise<CreatedSeriesMeeting> {
    return this.#lock.run(seriesId, async () => {
      const series = await this.#current(seriesId);
      const date = input.date ?? this.#nextDate(series);
      const title = clampTitle(input.title ?? '') || clampTitle(`${series.title} ${date}`);
      // Read afresh (not from the items cache): what is carried is written into a new meeting.
      const meetings = await seriesItems(this.#deps.store, this.#deps.readText.actionItems, series, { fresh: true });
      const filled = fillTemplate(series.template, { title, date });
      const inTemplate = new Set(toMeetingItems(parseMeeting(filled)).actionItems.map((item) => itemKey(item.text)));
      const carried = carriedLines(openItemsOf(itemRefsOf(meetings)), inTemplate);
      const sections = { agenda: filled.agenda, notes: withCarriedOver(filled.notes, carried) };
      if (Buffer.byteLength(sections.agenda + sections.notes, 'utf8') > this.#deps.maxPageBytes) {
        throw new Errors.TooLarge(`The next meeting's page would pass ${this.#deps.maxPageBytes} bytes: shorten the template or the open items`);
      }
      const created = await this.#deps.meetings.create({
        title,
        sections,
        also: (meeting): RecordWrite[] => [
          ...membershipOf(meeting.id, seriesId),
          { collection: SERIES_COLLECTIONS.series, key: seriesId, value: { ...series, meetings: [...series.meetings, { id: meeting.id, date }] } satisfies SeriesRecord },
        ],
      });
      return { id: created.id, title: created.title, date, seriesId, editKey: created.editKey, viewKey: created.viewKey };
    });
  }

  /** Adds a feature's record writes (e.g. removing the series' webhooks) to every series deletion, in its batch. */
  addDeletionWrites(writes: (series: SeriesRecord) => Promise<LifecycleWrites>): void {
    this.#deletionWrites.push(writes);
  }

  /**
   * Deletes every meeting of the series (their sockets get 4404), then the series (a tombstone
   * stays, and the memberships: the series' keys are told their meetings were deleted).
   */
  delete(seriesId: string): Promise<void> {
    return this.#lock.run(seriesId, async () => {
      const series = await this.#current(seriesId);
      // Meetings first: if this stops halfway, the series is still there and deleting it again finishes.
      for (const { record } of await existingMeetings(this.#deps.store, series)) {
        await this.#deps.meetings.delete(record).catch((error: unknown) => {
          if (!(error instanceof Errors.MeetingDeleted)) throw error; // deleted meanwhile by someone else
        });
      }
      const tombstone: SeriesTombstone = { id: series.id, editKeyHash: series.editKeyHash, viewKeyHash: series.viewKeyHash, deletedAt: new Date(this.#deps.clock.now()).toISOString() };
      const extra: LifecycleWrites[] = [];
      try {
        for (const writes of this.#deletionWrites) extra.push(await writes(series));
        await this.#deps.store.writeRecords([
          { collection: SERIES_COLLECTIONS.series, key: series.id, value: null },
          { collection: SERIES_COLLECTIONS.tombstones, key: series.id, value: tombstone },
          ...extra.flatMap((each) => each.writes),
        ]);
        for (const each of extra) each.committed?.();
      } finally {
        for (const each of extra) each.released?.();
      }
    });
  }

  /** For `GET /api/meetings/:id`: the meeting's series and neighbours, or null for a standalone meeting. */
  async linksOf(meetingId: string): Promise<MeetingSeriesLinks | null> {
    const link = await this.#links.get(meetingId);
    const series = link ? await this.#series.get(link.seriesId) : undefined;
    return series ? linksOf(this.#deps.store, series, meetingId) : null;
  }

  /** The iCalendar feed of a series; `baseUrl` null: events without links. */
  async calendar(series: SeriesRecord, baseUrl: string | null): Promise<string> {
    const meetings = await existingMeetings(this.#deps.store, series);
    return seriesCalendar({ series, meetings, nextDate: shownDate(plannedDate(series, this.#today())), baseUrl, now: new Date(this.#deps.clock.now()) });
  }

  // The next meeting's date when none is given: as planned, today for cadence none, and never one
  // out of the range (a series must not reach a date it could not read back).
  #nextDate(series: SeriesRecord): string {
    const planned = plannedDate(series, this.#today());
    if (planned.kind === 'date') return planned.date;
    if (planned.kind === 'none' && isSeriesDate(this.#today())) return this.#today();
    throw new Errors.BadDate(`the next meeting of this series would not fall in the years ${DATE_YEARS.first} to ${DATE_YEARS.last}; start it with a "date"`);
  }

  // The series as stored now (the guard's copy may be older than the lock).
  async #current(id: string): Promise<SeriesRecord> {
    const series = await this.#series.get(id);
    if (!series) throw (await this.#tombstones.get(id)) ? new Errors.SeriesDeleted() : new Errors.SeriesNotFound();
    return series;
  }

  #newSeries(
    title: string,
    cadence: Cadence | undefined,
    template: string,
    firstDate: string | null,
    meetings: SeriesRecord['meetings'],
  ): { series: SeriesRecord; created: CreatedSeries } {
    const createdAt = new Date(this.#deps.clock.now()).toISOString();
    const created: CreatedSeries = { id: newMeetingId(), title: clampTitle(title) || UNTITLED_SERIES, cadence: cadence ?? 'weekly', editKey: newKey(), viewKey: newKey(), createdAt };
    const series: SeriesRecord = {
      id: created.id,
      title: created.title,
      cadence: created.cadence,
      template,
      firstDate,
      createdAt,
      meetings,
      editKeyHash: hashKey(created.editKey),
      viewKeyHash: hashKey(created.viewKey),
    };
    return { series, created };
  }

  #today(): string {
    return dayOf(this.#deps.clock.now());
  }
}
