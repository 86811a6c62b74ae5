/**
 * The read side of a series: its meetings as they still exist, the next planned date, the JSON of
 * `GET /api/series/:id` (with the rolling action log) and the previous/next links of a meeting.
 */
import type { MeetingSeriesLinks, SeriesInfo, SeriesMeetingSummary } from '../../shared/api-types.js';
import { parseMeeting, toMeetingItems, type ActionItem } from '../../shared/meeting-parser.js';
import { Errors } from '../errors.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { countsOf, rollingLog, type MeetingItemsRef } from './action-log.js';
import type { DurableTextReader } from './durable-text.js';
import type { SeriesAccess } from './series-access.js';
import { dayOfMonth, nextDateAfter } from './series-dates.js';
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
 * the last meeting's date plus the cadence; null for cadence `none` once a meeting exists.
 */
export const plannedDate = (series: SeriesRecord, today: string): string | null => {
  const [first] = series.meetings;
  const last = series.meetings.at(-1);
  if (!first || !last) return series.firstDate ?? today;
  return nextDateAfter(last.date, series.cadence, dayOfMonth(first.date));
};

/** A meeting's action items from its durable text; null if it was deleted meanwhile. */
export const actionItemsOf = async (readText: DurableTextReader, id: string): Promise<ActionItem[] | null> => {
  try {
    return toMeetingItems(parseMeeting(await readText(id))).actionItems;
  } catch (error) {
    if (error instanceof Errors.MeetingDeleted) return null;
    throw error;
  }
};

/** `GET /api/series/:id` → 200. Meetings are read one at a time, so a long series stays light on memory. */
export const describeSeries = async (
  { store, readText, today }: { store: MeetingStore; readText: DurableTextReader; today: string },
  { series, role }: SeriesAccess,
): Promise<SeriesInfo> => {
  const read: MeetingItemsRef[] = [];
  const summaries: SeriesMeetingSummary[] = [];
  for (const { ref, record } of await existingMeetings(store, series)) {
    const actionItems = await actionItemsOf(readText, ref.id);
    if (!actionItems) continue;
    read.push({ id: ref.id, title: record.title, actionItems });
    summaries.push({ id: ref.id, title: record.title, date: ref.date, ...countsOf(actionItems), createdAt: record.createdAt });
  }
  return {
    id: series.id,
    title: series.title,
    cadence: series.cadence,
    nextDate: plannedDate(series, today),
    role,
    createdAt: series.createdAt,
    template: series.template,
    meetings: summaries.reverse(),
    openItems: rollingLog(read),
  };
};

/** The series of a meeting and its neighbours there (deleted meetings skipped). */
export const linksOf = async (store: MeetingStore, series: SeriesRecord, meetingId: string): Promise<MeetingSeriesLinks | null> => {
  const meetings = await existingMeetings(store, series);
  const index = meetings.findIndex(({ ref }) => ref.id === meetingId);
  if (index < 0) return null;
  return { id: series.id, title: series.title, previous: meetings[index - 1]?.ref.id ?? null, next: meetings[index + 1]?.ref.id ?? null };
};
