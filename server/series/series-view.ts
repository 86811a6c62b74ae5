/**
 * The read side of a series: its meetings as they still exist, the next planned date, the JSON of
 * `GET /api/series/:id` (with the rolling action log) and the previous/next links of a meeting.
 */
import type { MeetingSeriesLinks, SeriesInfo, SeriesMeetingSummary } from '../../shared/api-types.js';
import type { ActionItem } from '../../shared/meeting-parser.js';
import { Errors } from '../errors.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { countsOf, openItemsOf, rollingLog, type MeetingItemsRef } from './action-log.js';
import type { DurableItemsReader } from './durable-text.js';
import type { SeriesAccess } from './series-access.js';
import { dayOfMonth, isSeriesDate, nextDateAfter, type NextDate } from './series-dates.js';
import type { SeriesMeetingRef, SeriesRecord } from './series-record.js';

/** A meeting of a series that still exists. */
export interface SeriesMeeting {
  ref: SeriesMeetingRef;
  record: MeetingRecord;
}

/** The series' meetings that were not deleted on their own, oldest first. */
export const existingMeetings = async (store: MeetingStore, series: SeriesRecord): Promise<SeriesMeeting[]> => {
  const records = await Promise.all(series.meetings.map((ref) => store.getMeeting(ref.id)));
  return series.meetings.flatMap((ref, index) => (records[index] ? [{ ref, record: records[index] }] : []));
};

/**
 * The date the next meeting gets by default: the first date (or `today`) before any meeting, then
 * the last meeting's date plus the cadence (`none` for cadence none once a meeting exists), or
 * `out` when that would not be a date of the range (or a stored date is not one).
 */
export const plannedDate = (series: SeriesRecord, today: string): NextDate => {
  const [first] = series.meetings;
  const last = series.meetings.at(-1);
  if (!first || !last) {
    const date = series.firstDate ?? today;
    return isSeriesDate(date) ? { kind: 'date', date } : { kind: 'out' };
  }
  return nextDateAfter(last.date, series.cadence, dayOfMonth(first.date));
};

/** The planned date as the API and the calendar show it: null when there is none. */
export const shownDate = (next: NextDate): string | null => (next.kind === 'date' ? next.date : null);

/** Each existing meeting of the series with its durable action items, oldest first (meetings deleted meanwhile left out). */
export const seriesItems = async (store: MeetingStore, readItems: DurableItemsReader, series: SeriesRecord, options: { fresh?: boolean } = {}): Promise<Array<SeriesMeeting & { actionItems: readonly ActionItem[] }>> => {
  const read: Array<SeriesMeeting & { actionItems: readonly ActionItem[] }> = [];
  // One meeting at a time, so a long series stays light on memory.
  for (const meeting of await existingMeetings(store, series)) {
    try {
      read.push({ ...meeting, actionItems: await readItems(meeting.record, options) });
    } catch (error) {
      if (!(error instanceof Errors.MeetingDeleted)) throw error;
    }
  }
  return read;
};

/** The refs the rolling log reads. */
export const itemRefsOf = (meetings: ReadonlyArray<SeriesMeeting & { actionItems: readonly ActionItem[] }>): MeetingItemsRef[] =>
  meetings.map(({ ref, record, actionItems }) => ({ id: ref.id, title: record.title, actionItems }));

/** `GET /api/series/:id` → 200. */
export const describeSeries = async (
  { store, readItems, today }: { store: MeetingStore; readItems: DurableItemsReader; today: string },
  { series, role }: SeriesAccess,
): Promise<SeriesInfo> => {
  const meetings = await seriesItems(store, readItems, series);
  const summaries: SeriesMeetingSummary[] = meetings.map(({ ref, record, actionItems }) => ({ id: ref.id, title: record.title, date: ref.date, ...countsOf(actionItems), createdAt: record.createdAt }));
  return {
    id: series.id,
    title: series.title,
    cadence: series.cadence,
    nextDate: shownDate(plannedDate(series, today)),
    role,
    createdAt: series.createdAt,
    template: series.template,
    meetings: summaries.reverse(),
    openItems: rollingLog(openItemsOf(itemRefsOf(meetings))),
  };
};

/** The series of a meeting and its neighbours there (deleted meetings skipped). */
export const linksOf = async (store: MeetingStore, series: SeriesRecord, meetingId: string): Promise<MeetingSeriesLinks | null> => {
  const meetings = await existingMeetings(store, series);
  const index = meetings.findIndex(({ ref }) => ref.id === meetingId);
  if (index < 0) return null;
  return { id: series.id, title: series.title, previous: meetings[index - 1]?.ref.id ?? null, next: meetings[index + 1]?.ref.id ?? null };
};
