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

  test('titles are one line: a series title with CR/LF, or titles stored that way by an older version, give valid iCalendar', async () => {
    const series = await createSeries(t.app, { title: 'Evil\r\nBEGIN:VEVENT\r\nSUMMARY:pwn', firstDate: '2025-03-10' });
    const meeting = await startNext(t.app, series, { title: 'M1\nATTENDEE:mailto:x@example.org' });
    const first = eventsOf((await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics`, { key: series.viewKey })).text);
    expect(first.name).toBe('Evil BEGIN:VEVENT SUMMARY:pwn');
    expect(first.events.map((event) => event.summary)).toEqual(['M1 ATTENDEE:mailto:x@example.org', 'Evil BEGIN:VEVENT SUMMARY:pwn (next meeting)']);

    // Records written before titles were cleaned may still hold line breaks.
    const { store } = t.app.meetpad;
    await store.putMeeting({ ...(await store.getMeeting(meeting.id))!, title: 'Old\r\nBEGIN:VALARM' });
    const records = store.collection<Record<string, unknown>>('series');
    await records.put(series.id, { ...(await records.get(series.id))!, title: 'Old series\r\nX-INJECTED:1\r\n' });
    const text = (await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics`, { key: series.viewKey })).text;
    expect(text).not.toMatch(/^(BEGIN:VALARM|X-INJECTED)/m);
    const old = eventsOf(text);
    expect(old.name).toBe('Old series X-INJECTED:1');
    expect(old.events.map((event) => event.summary)).toEqual(['Old BEGIN:VALARM', 'Old series X-INJECTED:1 (next meeting)']);
  });

  test("event links are built from the request's host with the minutes' check: a host that is not a host name gives no link", async () => {
    const series = await createSeries(t.app, { title: 'Hosts', firstDate: '2025-03-10' });
    const meeting = await startNext(t.app, series);
    const linksWith = async (host: string) => {
      const calendar = await t.app.inject({ method: 'GET', url: `/api/series/${series.id}/calendar.ics?key=${series.viewKey}`, headers: { host } });
      const minutes = await t.app.inject({ method: 'GET', url: `/api/meetings/${meeting.id}/minutes.md?key=${series.viewKey}`, headers: { host } });
      expect([calendar.statusCode, minutes.statusCode]).toEqual([200, 200]);
      eventsOf(calendar.body);
      const urls = calendar.body.split('\r\n').filter((line) => line.startsWith('URL'));
      return { urls, minutes: /- Meeting: (\S+)/.exec(minutes.body)?.[1] };
    };
    expect(await linksWith('meet.example.org:8443')).toEqual({
      urls: [`URL;VALUE=URI:http://meet.example.org:8443/m/${meeting.id}`, `URL;VALUE=URI:http://meet.example.org:8443/s/${series.id}`],
      minutes: `http://meet.example.org:8443/m/${meeting.id}`,
    });
    for (const host of ['a";x=y,z\\', 'x y', 'evil.example:80"x;y']) {
      expect(await linksWith(host), host).toEqual({ urls: [], minutes: `/m/${meeting.id}` });
    }
  });
});
