/**
 * The iCalendar feed of a series (`GET /api/series/:id/calendar.ics`): valid iCalendar as a real
 * parser (ical.js) reads it, with one all-day event per meeting and one for the next planned date.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { buildTestApp, type TestApp } from '../helpers/inject-app.js';
import { call, createSeries, startNext } from './series-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ deps: { clock: new ManualClock(Date.parse('2025-03-03T09:00:00Z')) } });
});
afterAll(() => t.close());

interface ParsedEvent {
  uid: string;
  summary: string;
  start: string;
  end: string;
  allDay: boolean;
  url: string;
}

const eventsOf = (text: string): { name: string; events: ParsedEvent[] } => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toString(),
      end: event.endDate.toString(),
      allDay: event.startDate.isDate,
      url: String(component.getFirstPropertyValue('url')),
    };
  });
  return { name: String(calendar.getFirstPropertyValue('x-wr-calname')), events };
};

describe('the calendar feed of a series', () => {
  test('lists every meeting on its date and the next planned date, as valid iCalendar', async () => {
    const series = await createSeries(t.app, { title: 'Planning, weekly; "quoted"', firstDate: '2025-03-10' });
    const first = await startNext(t.app, series);
    const second = await startNext(t.app, series);
    const answer = await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics?key=${series.viewKey}`);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/calendar; charset=utf-8');
    const { name, events } = eventsOf(answer.text);
    expect(name).toBe('Planning, weekly; "quoted"');
    expect(events).toEqual([
      { uid: `${first.id}@meetpad`, summary: first.title, start: '2025-03-10', end: '2025-03-11', allDay: true, url: `http://localhost:80/m/${first.id}` },
      { uid: `${second.id}@meetpad`, summary: second.title, start: '2025-03-17', end: '2025-03-18', allDay: true, url: `http://localhost:80/m/${second.id}` },
      {
        uid: `${series.id}-next-2025-03-24@meetpad`,
        summary: 'Planning, weekly; "quoted" (next meeting)',
        start: '2025-03-24',
        end: '2025-03-25',
        allDay: true,
        url: `http://localhost:80/s/${series.id}`,
      },
    ]);
    // No key anywhere in the feed: it may be shared more widely than the meetings.
    for (const key of [series.editKey, series.viewKey, first.editKey, first.viewKey]) expect(answer.text).not.toContain(key);
  });

  test('the edit key works too (as a Bearer header); a series without meetings shows only its first date', async () => {
    const series = await createSeries(t.app, { title: 'Monthly review', cadence: 'monthly', firstDate: '2025-04-30' });
    const answer = await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics`, { key: series.editKey });
    expect(answer.status).toBe(200);
    expect(eventsOf(answer.text).events.map((event) => [event.start, event.summary])).toEqual([['2025-04-30', 'Monthly review (next meeting)']]);
  });

  test('a series with cadence none lists its meetings and no planned date', async () => {
    const series = await createSeries(t.app, { title: 'When needed', cadence: 'none', firstDate: '2025-06-01' });
    const meeting = await startNext(t.app, series);
    const answer = await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics?key=${series.viewKey}`);
    expect(eventsOf(answer.text).events.map((event) => [event.uid, event.start])).toEqual([[`${meeting.id}@meetpad`, '2025-06-01']]);
  });
});
