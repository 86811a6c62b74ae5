/**
 * Running the seed meeting in several browsers (GUIDE 1.8): one starts topic 1 and moves to topic
 * 2, another sees the highlight and the timers follow, a late joiner with the view key sees topic
 * 2 as current with the elapsed time the document's run log gives, timers turn amber then red,
 * and two "next" presses made from the same state move the meeting by one topic.
 *
 * Time is controlled on both sides: the server runs on a ManualClock and every page's `Date` is
 * fixed with Playwright's clock (each page with its own wrong clock, which the page corrects with
 * GET /api/time); "time passes" moves them all by the same amount. Steps stay under 15 s, below
 * the awareness renewal and y-websocket's 30 s silence timeout, which also read `Date`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { formatClock } from '../../client/lib/run-format.js';
import { agendaOf, metaOf, notesOf } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { isRunKey, runOf, runTimers } from '../../shared/meeting-run.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'status-devs-meeting-1.md');
const SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'screenshot-meeting-running.png');
const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A browser page whose `Date` is fixed at `dateMs` (moved by `advance`). */
interface Attendee {
  page: Page;
  context: BrowserContext;
  dateMs: number;
}

/** What a page shows of the run. */
const shown = (page: Page) => ({
  title: () => page.locator('run-panel .topic-title').innerText(),
  status: () => page.locator('run-panel .bar').getAttribute('data-status'),
  timer: async (which: 'topic' | 'meeting') => {
    const timer = page.locator(`run-panel run-timer.${which}-timer`);
    const elapsed = timer.locator('.elapsed');
    return { text: await elapsed.innerText(), ms: Number(await elapsed.getAttribute('data-elapsed-ms')), level: await timer.getAttribute('level') };
  },
  previewNow: () => page.locator('meeting-section.agenda .preview .now-topic').allInnerTexts(),
  editorNow: () => page.locator('meeting-section.agenda .cm-line.cm-now-topic').allInnerTexts(),
  tocNow: () => page.locator('toc-nav button.current').allInnerTexts(),
  listNow: () => page.locator('topic-list li.current').getAttribute('data-topic-id'),
});

describe('running the seed meeting in several browsers', () => {
  const clock = new ManualClock(T0);
  let server: TestServer;
  let browser: Browser;
  let meeting: CreatedMeeting;
  const attendees: Attendee[] = [];
  const problems: PageProblems[] = [];

  const room = (): Y.Doc => server.app.meetpad.registry.loadedRoom(meeting.id)!.doc;
  const topicsOf = (doc: Y.Doc): ParsedTopic[] => parseMeeting({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() }).topics;
  /** The timers as the server's copy of the document gives them at the server's time. */
  const expected = () => {
    const doc = room();
    const parsed = parseMeeting({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() });
    const timers = runTimers(runOf(doc), parsed.topics, parsed.plannedMinutes, clock.now());
    return { topic: timers.current?.clock.elapsedMs ?? null, meeting: timers.meeting.elapsedMs, title: timers.current?.topic?.title ?? null };
  };

  /** Opens the meeting in a new browser whose clock is `skewMs` off the server's. */
  const join_ = async (name: string, key: string, skewMs: number, viewport = { width: 1400, height: 900 }): Promise<Attendee> => {
    const context = await browser.newContext({ viewport });
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    const attendee = { page, context, dateMs: clock.now() + skewMs };
    await page.clock.setFixedTime(attendee.dateMs);
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${key}`, name);
    await waitForStatus(page, 'live');
    attendees.push(attendee);
    return attendee;
  };

  /** Time passes for the server and every open page alike. */
  const advance = async (ms: number): Promise<void> => {
    await clock.advance(ms);
    for (const a of attendees) {
      if (a.page.isClosed()) continue;
      a.dateMs += ms;
      await a.page.clock.setFixedTime(a.dateMs);
    }
  };

  /** Waits until the page's timers show what the document's run log gives now. */
  const timersMatch = (page: Page, what: string) =>
    waitFor(async () => {
      const want = expected();
      const topic = await shown(page).timer('topic');
      const whole = await shown(page).timer('meeting');
      return topic.ms === want.topic && topic.text === formatClock(want.topic!) && whole.ms === want.meeting && whole.text === formatClock(want.meeting);
    }, what);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ deps: { clock } }), launchBrowser()]);
    meeting = await createMeeting(server.url, { markdown: await readFile(FIXTURE, 'utf8') });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('A starts topic 1 and moves to topic 2: B sees the highlight and the timers move; C joins late and sees topic 2 with the right time', async () => {
    const anna = await join_('Anna', meeting.editKey, 0);
    const ben = await join_('Ben', meeting.editKey, -3 * HOUR - 17_000); // a clock hours behind
    const topics = topicsOf(room());
    const [first, second] = topics;
    expect(first!.title).toBe('Introduction');
    expect(second!.title).toBe('Purpose of this meeting; format; experiment; feedback');
    const b = shown(ben.page);
    expect(await b.status()).toBe('not-started');
    expect(await b.previewNow()).toEqual([]);

    await anna.page.locator('run-panel button.start-meeting').click();
    await waitFor(async () => (await b.status()) === 'running' && (await b.title()) === 'Introduction', 'B to see topic 1 started');
    await waitFor(async () => (await b.listNow()) === first!.id, 'B: topic 1 current in the topic list');
    expect(await b.previewNow()).toEqual(['Introduction']);
    expect(await b.editorNow()).toEqual(['0. Introduction']);
    expect(await b.tocNow()).toEqual(['Introduction']);
    await timersMatch(ben.page, "B's timers at the start");
    expect((await b.timer('topic')).text).toBe('0:00');

    await advance(12_000);
    await timersMatch(ben.page, "B's timers 12 s into topic 1");
    expect((await b.timer('topic')).text).toBe('0:12');

    await anna.page.locator('run-panel button.next-topic').click();
    await waitFor(async () => (await b.title()) === second!.title, 'B to see topic 2');
    await waitFor(async () => (await b.previewNow()).join() === second!.text, "B's preview highlight on topic 2");
    expect(await b.editorNow()).toEqual([`- ${second!.text}`]);
    expect(await b.tocNow()).toEqual([second!.title]);
    expect(await b.listNow()).toBe(second!.id);
    await timersMatch(ben.page, "B's timers at the start of topic 2");
    expect([(await b.timer('topic')).text, (await b.timer('meeting')).text]).toEqual(['0:00', '0:12']);

    await advance(9_000);
    await timersMatch(ben.page, "B's timers 9 s into topic 2");
    expect([(await b.timer('topic')).text, (await b.timer('meeting')).text]).toEqual(['0:09', '0:21']);

    // The run log in the document: topic 1 from T0, topic 2 from T0 + 12 s, in the server's time.
    const run = runOf(room());
    expect(run.spans.map((s) => [s.title, s.startedAt - T0, s.endedAt === null ? null : s.endedAt - T0])).toEqual([
      ['Introduction', 0, 12_000],
      [second!.title, 12_000, null],
    ]);

    // Carol opens the view link late, on a clock five hours ahead.
    const carol = await join_('Carol', meeting.viewKey, 5 * HOUR + 4_321);
    const c = shown(carol.page);
    await waitFor(async () => (await c.title()) === second!.title, 'C to see topic 2 as current');
    await timersMatch(carol.page, "C's timers");
    expect(expected()).toEqual({ topic: 9_000, meeting: 21_000, title: second!.title });
    expect([(await c.timer('topic')).text, (await c.timer('meeting')).text]).toEqual(['0:09', '0:21']);
    await waitFor(async () => (await c.previewNow()).join() === second!.text, "C's preview highlight");
    expect(await c.listNow()).toBe(second!.id);
    // The view key sees the run but cannot move it.
    expect(await carol.page.locator('run-panel button.next-topic, run-panel button.end-meeting, run-panel button.start-meeting').count()).toBe(0);
    expect(await carol.page.locator('topic-list button.start').count()).toBe(0);
  });

  it('timers turn amber past the planned duration, then red', async () => {
    const [anna, ben, carol] = attendees;
    // Only people who joined since see the long wait: y-websocket reads a silence of minutes as a dead socket.
    await Promise.all([ben!.context.close(), carol!.context.close(), anna!.context.close()]);
    await advance(91 * MIN);
    const oskar = await join_('Oskar', meeting.editKey, 0, { width: 1500, height: 860 });
    const o = shown(oskar.page);
    await waitFor(async () => (await o.title()) === 'Purpose of this meeting; format; experiment; feedback', 'the late facilitator to see topic 2');
    await timersMatch(oskar.page, "the facilitator's timers");
    // Planned 1.5 hours (the seed's "Meeting Duration" line): 91 min 21 s is over, by less than 5 min.
    expect(await o.timer('meeting')).toEqual({ text: '1:31:21', ms: 91 * MIN + 21_000, level: 'amber' });
    expect((await o.timer('topic')).level).toBe('ok'); // the seed's topics have no time boxes
    await oskar.page.locator('side-panel button[data-tab="topics"]').click();
    await oskar.page.locator('topic-list li.current').waitFor();
    await oskar.page.screenshot({ path: SCREENSHOT });

    // Four minutes on, past five minutes over: red. Meanwhile this laptop's clock was set two hours
    // wrong; its page measures the offset again when it reconnects.
    const asked = { times: 0 };
    oskar.page.on('request', (request) => void (new URL(request.url()).pathname === '/api/time' && asked.times++));
    await clock.advance(4 * MIN);
    oskar.dateMs += 4 * MIN + 2 * HOUR;
    await oskar.page.clock.setFixedTime(oskar.dateMs);
    await oskar.context.setOffline(true);
    await waitForStatus(oskar.page, 'offline');
    await oskar.context.setOffline(false);
    await waitForStatus(oskar.page, 'live');
    await timersMatch(oskar.page, 'the timers after the reconnect');
    expect(asked.times).toBeGreaterThan(0);
    expect(await o.timer('meeting')).toEqual({ text: '1:35:21', ms: 95 * MIN + 21_000, level: 'red' });
  });

  it('two "next" presses made from the same state move the meeting by one topic', async () => {
    const oskar = attendees[3]!;
    // Jakub's page does not hear from the server while Oskar presses: both press "next" on topic 2.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    let holding = false;
    const held: Array<() => void> = [];
    await page.routeWebSocket(/\/collab\//, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((message) => (holding ? held.push(() => ws.send(message)) : ws.send(message)));
    });
    const jakub = { page, context, dateMs: clock.now() };
    await page.clock.setFixedTime(jakub.dateMs);
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Jakub');
    await waitForStatus(page, 'live');
    attendees.push(jakub);
    const third = topicsOf(room())[2]!;
    const j = shown(page);
    await waitFor(async () => (await j.title()) === topicsOf(room())[1]!.title, 'Jakub to see topic 2');
    const marks = () => [...metaOf(room()).keys()].filter(isRunKey).length;
    expect(marks()).toBe(2);

    holding = true;
    await oskar.page.locator('run-panel button.next-topic').click();
    await waitFor(() => marks() === 3, "Oskar's press on the server");
    expect(await j.title()).not.toBe(third.title); // Jakub has not heard of it
    await page.locator('run-panel button.next-topic').click();
    await waitFor(() => marks() === 4, "Jakub's press on the server");
    holding = false;
    held.splice(0).forEach((send) => send());

    for (const who of [oskar.page, page]) await waitFor(async () => (await shown(who).title()) === third.title, 'both on topic 3');
    expect(runOf(room()).spans.map((s) => s.title)).toEqual(['Introduction', 'Purpose of this meeting; format; experiment; feedback', third.title]);
    expect(topicsOf(room()).findIndex((t) => t.id === runOf(room()).current?.topicId)).toBe(2);

    // The next press goes on from there, one topic.
    await page.locator('run-panel button.next-topic').click();
    const fourth = topicsOf(room())[3]!;
    for (const who of [oskar.page, page]) await waitFor(async () => (await shown(who).title()) === fourth.title, 'both on topic 4');
    expect(runOf(room()).spans).toHaveLength(4);
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
