/**
 * The facilitator's tools on the seed meeting: "Take notes" on a topic (its heading is created in
 * agenda order when missing), the attendance panel and "Insert attendance", "Copy minutes" with
 * and without the Clipboard API. The server runs on a ManualClock, moved only to let names settle
 * into the attendance record, so the minutes the page copies and those the test asks for are the
 * same text.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttendanceList } from '../../shared/api-types.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { SETTLE_MS, WRITE_EVERY_MS } from '../../server/attendance/attendance-tracker.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'status-devs-meeting-1.md');

const count = (text: string, part: string): number => text.split(part).length - 1;

describe("the facilitator's tools", () => {
  const clock = new ManualClock(Date.parse('2026-03-02T12:00:00Z'));
  let server: TestServer;
  let browser: Browser;
  let meeting: CreatedMeeting;
  const problems: PageProblems[] = [];
  const pages = new Map<string, { page: Page; context: BrowserContext }>();

  const room = () => server.app.meetpad.registry.loadedRoom(meeting.id)!;
  const notes = (): string => notesOf(room().doc).toString();
  const inRoom = (name: string): boolean => [...room().awareness.getStates().values()].some((s) => (s as { user?: { name?: unknown } }).user?.name === name);
  const attendance = async (): Promise<AttendanceList['attendees']> => ((await (await api('attendance')).json()) as AttendanceList).attendees;
  const topics = (): ParsedTopic[] => {
    const doc = server.app.meetpad.registry.loadedRoom(meeting.id)!.doc;
    return parseMeeting({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() }).topics;
  };
  const topic = (title: string): ParsedTopic => topics().find((t) => t.title === title)!;
  const api = async (path: string): Promise<Response> => fetch(`${server.url}/api/meetings/${meeting.id}/${path}`, { headers: { authorization: `Bearer ${meeting.editKey}` } });

  const join_ = async (name: string, key: string, setup?: (context: BrowserContext) => Promise<void>): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    problems.push(await watchProblems(context));
    await setup?.(context);
    const page = await context.newPage();
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${key}`, name);
    await waitForStatus(page, 'live');
    pages.set(name, { page, context });
    // The server records a name once it has been shown a while.
    await waitFor(() => inRoom(name), `${name} in the room`);
    await clock.advance(SETTLE_MS);
    await waitFor(async () => (await attendance()).some((a) => a.name === name && a.present), `${name} recorded as present`);
    return page;
  };
  const tab = async (page: Page, id: string): Promise<void> => {
    await page.locator(`side-panel button[data-tab="${id}"]`).click();
    await page.locator(`side-panel button[data-tab="${id}"][aria-selected="true"]`).waitFor();
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ deps: { clock } }), launchBrowser()]);
    meeting = await createMeeting(server.url, { markdown: await readFile(FIXTURE, 'utf8') });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('"Take notes" creates a missing topic heading where the agenda order puts it, and goes to an existing one', async () => {
    const anna = await join_('Anna', meeting.editKey, (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }));
    const ben = await join_('Ben', meeting.editKey);
    await tab(anna, 'topics');
    const hello = topic('Hello, Security');
    expect(hello.notesHeading).toBeNull();

    const row = anna.locator(`topic-list li[data-topic-id="${hello.id}"]`);
    await row.hover();
    await row.locator('button.notes').click();
    // After the section of the topic before it ("General infra"), at its level, before "### Security".
    await waitFor(() => notes().includes('### Hello, Security'), 'the new heading on the server');
    expect(notes()).toContain('Option to select fleet can be created without UI.\n\n### Hello, Security\n\n### Security\n');
    // The cursor waits under it.
    await anna.keyboard.type('Corey introduced himself');
    await waitFor(() => notes().includes('### Hello, Security\nCorey introduced himself\n### Security'), 'the note under the new heading');
    await waitFor(async () => (await ben.locator('toc-nav button', { hasText: 'Hello, Security' }).count()) === 1, "the heading in Ben's contents");

    // Again: it goes there, nothing is added.
    await row.hover();
    await row.locator('button.notes').click();
    await waitFor(async () => (await anna.locator('meeting-section.notes .cm-activeLine').innerText()) === '### Hello, Security', "Anna's cursor on the heading");
    expect(count(notes(), 'Hello, Security')).toBe(1);

    // "Take notes" in the bar is for the current topic; "General infra" has its heading already.
    const infra = topic('General infra');
    const infraRow = ben.locator(`topic-list li[data-topic-id="${infra.id}"]`);
    await tab(ben, 'topics');
    await infraRow.hover();
    await infraRow.locator('button.start').click();
    await waitFor(async () => (await anna.locator('run-panel .topic-title').innerText()) === 'General infra', 'General infra current for Anna');
    await anna.locator('run-panel button.take-notes').click();
    await waitFor(async () => (await anna.locator('meeting-section.notes .cm-activeLine').innerText()) === '### General infra', "Anna's cursor on its heading");
    expect(count(notes(), '### General infra')).toBe(1);
  });

  it('a view link sees the run and the notes headings but cannot start topics or write', async () => {
    const carol = await join_('Carol', meeting.viewKey);
    await tab(carol, 'topics');
    await waitFor(async () => (await carol.locator('run-panel .topic-title').innerText()) === 'General infra', 'Carol sees the current topic');
    expect(await carol.locator('topic-list button.start').count()).toBe(0);
    expect(await carol.locator('run-panel button.next-topic, run-panel button.end-meeting').count()).toBe(0);
    // Notes only where a heading exists: a view key cannot create one.
    const withHeading = topics().filter((t) => t.notesHeading).length;
    expect(await carol.locator('topic-list button.notes').count()).toBe(withHeading);
    await tab(carol, 'attendance');
    await carol.locator('attendance-panel li.attendee').first().waitFor();
    expect(await carol.locator('attendance-panel button.insert-attendance').count()).toBe(0);
  });

  it('the attendance panel lists those present and those who left; "Insert attendance" writes a Present line', async () => {
    await pages.get('Carol')!.context.close();
    await waitFor(() => !inRoom('Carol'), 'Carol out of the room');
    await clock.advance(WRITE_EVERY_MS);
    await waitFor(async () => (await attendance()).some((a) => a.name === 'Carol' && !a.present), "Carol's leave on the server");
    const ben = pages.get('Ben')!.page;
    await tab(ben, 'attendance');
    const rows = ben.locator('attendance-panel li.attendee');
    await waitFor(async () => (await rows.allInnerTexts()).length === 3, 'three attendees');
    expect((await rows.locator('.name').allInnerTexts())).toEqual(['Anna', 'Ben', 'Carol']);
    expect(await ben.locator('attendance-panel li.attendee[data-here]').locator('.name').allInnerTexts()).toEqual(['Anna', 'Ben']);
    // The server's clock moves by seconds in this test: no one has been here a minute.
    expect(await rows.nth(2).locator('.times').innerText()).toMatch(/^\S+.*–.*, under 1 min$/);

    // Ben has not been in the notes: the line goes under the notes heading.
    await ben.locator('attendance-panel button.insert-attendance').click();
    await waitFor(() => notes().startsWith('# Notes\n\nPresent: Anna, Ben, Carol\n\nInfrastructure: general'), 'the line under # Notes');
    // Anna's cursor is in the notes, at the start of the heading of General infra: hers goes on a line before it.
    const anna = pages.get('Anna')!.page;
    await tab(anna, 'attendance');
    await anna.locator('attendance-panel li.attendee').nth(2).waitFor();
    await anna.locator('attendance-panel button.insert-attendance').click();
    await waitFor(() => notes().includes('## Infrastructure updates\n\nPresent: Anna, Ben, Carol\n### General infra\nJakub\n'), "the line at Anna's cursor");
  });

  it('"Copy minutes" copies the minutes, or shows them selected to copy by hand without a clipboard', async () => {
    const anna = pages.get('Anna')!.page;
    await anna.locator('run-panel button.copy-minutes').click();
    await anna.locator('run-panel .feedback', { hasText: 'Minutes copied' }).waitFor();
    const response = await api('minutes.md');
    const minutes = await response.text();
    expect(minutes).toContain('Present: Anna');
    expect(await anna.evaluate(() => navigator.clipboard.readText())).toBe(minutes);

    // No Clipboard API (plain http on another host), and the old copy command refused.
    const dave = await join_('Dave', meeting.editKey, async (context) => {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
        document.execCommand = () => false;
      });
    });
    await dave.locator('run-panel button.copy-minutes').click();
    await dave.locator('run-panel .feedback', { hasText: 'Copy the minutes below' }).waitFor();
    const area = dave.locator('run-panel textarea.minutes');
    const fresh = await (await api('minutes.md')).text();
    expect(await area.inputValue()).toBe(fresh);
    expect(await area.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd])).toEqual([0, fresh.length]);
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
