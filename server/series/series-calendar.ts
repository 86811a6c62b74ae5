/**
 * The iCalendar feed of a series (GUIDE 1.7): one all-day event per meeting and one for the next
 * planned date, so a team can subscribe from a calendar app. Event links carry no key: the
 * calendar may be shared more widely than the meetings. Every title goes through clampTitle (one
 * line: a record stored before titles were cleaned cannot add lines to the feed), and a stored
 * date that is not one of the range gives no event rather than no feed.
 */
import ical from 'ical-generator';
import { clampTitle } from '../../shared/markdown.js';
import type { SeriesRecord } from './series-record.js';
import { dayAfter, startOfDay } from './series-dates.js';
import type { SeriesMeeting } from './series-view.js';

/** What the feed shows besides the series. */
export interface CalendarInput {
  series: SeriesRecord;
  meetings: readonly SeriesMeeting[];
  /** The next planned date, or null (cadence `none`, or none in the range). */
  nextDate: string | null;
  /** `https://host` as the request reached the server (public-url.ts), or null: events get no link. */
  baseUrl: string | null;
  /** When the feed is made (DTSTAMP). */
  now: Date;
}

const allDay = (date: string): { start: Date; end: Date; allDay: true } | null => {
  const [start, next] = [startOfDay(date), dayAfter(date)];
  const end = next === null ? null : startOfDay(next);
  return start && end ? { start, end, allDay: true } : null;
};

/** The feed as iCalendar text. */
export const seriesCalendar = ({ series, meetings, nextDate, baseUrl, now }: CalendarInput): string => {
  const seriesTitle = clampTitle(series.title);
  const calendar = ical({ name: seriesTitle, prodId: { company: 'meetpad', product: 'series', language: 'EN' } });
  const link = (path: string): { url?: string } => (baseUrl === null ? {} : { url: `${baseUrl}${path}` });
  for (const { ref, record } of meetings) {
    const day = allDay(ref.date);
    if (!day) continue;
    calendar.createEvent({
      id: `${ref.id}@meetpad`,
      ...day,
      stamp: now,
      summary: clampTitle(record.title),
      description: `Meeting of the series "${seriesTitle}"`,
      ...link(`/m/${ref.id}`),
    });
  }
  // A planned date already taken by a meeting (started early with that date) is not listed twice.
  const next = nextDate === null || meetings.some(({ ref }) => ref.date === nextDate) ? null : allDay(nextDate);
  if (next) {
    calendar.createEvent({
      id: `${series.id}-next-${nextDate}@meetpad`,
      ...next,
      stamp: now,
      summary: `${seriesTitle} (next meeting)`,
      description: `The next meeting of the series "${seriesTitle}", not started yet`,
      ...link(`/s/${series.id}`),
    });
  }
  return calendar.toString();
};
