/**
 * The iCalendar feed of a series (GUIDE 1.7): one all-day event per meeting and one for the next
 * planned date, so a team can subscribe from a calendar app. Event links carry no key: the
 * calendar may be shared more widely than the meetings.
 */
import ical from 'ical-generator';
import type { SeriesRecord } from './series-record.js';
import { addDays, startOfDay } from './series-dates.js';
import type { SeriesMeeting } from './series-view.js';

/** What the feed shows besides the series. */
export interface CalendarInput {
  series: SeriesRecord;
  meetings: readonly SeriesMeeting[];
  /** The next planned date, or null (cadence `none`). */
  nextDate: string | null;
  /** `https://host` of the request, for event links. */
  baseUrl: string;
  /** When the feed is made (DTSTAMP). */
  now: Date;
}

const allDay = (date: string): { start: Date; end: Date; allDay: true } => ({ start: startOfDay(date), end: startOfDay(addDays(date, 1)), allDay: true });

/** The feed as iCalendar text. */
export const seriesCalendar = ({ series, meetings, nextDate, baseUrl, now }: CalendarInput): string => {
  const calendar = ical({ name: series.title, prodId: { company: 'meetpad', product: 'series', language: 'EN' } });
  for (const { ref, record } of meetings) {
    calendar.createEvent({
      id: `${ref.id}@meetpad`,
      ...allDay(ref.date),
      stamp: now,
      summary: record.title,
      description: `Meeting of the series "${series.title}"`,
      url: `${baseUrl}/m/${ref.id}`,
    });
  }
  // A planned date already taken by a meeting (started early with that date) is not listed twice.
  if (nextDate && !meetings.some(({ ref }) => ref.date === nextDate)) {
    calendar.createEvent({
      id: `${series.id}-next-${nextDate}@meetpad`,
      ...allDay(nextDate),
      stamp: now,
      summary: `${series.title} (next meeting)`,
      description: `The next meeting of the series "${series.title}", not started yet`,
      url: `${baseUrl}/s/${series.id}`,
    });
  }
  return calendar.toString();
};
