/**
 * A series in Chromium, as a team runs it: a meeting is made a series, items are written in it,
 * the next meeting is started from the page and carries exactly the open items with links back,
 * one is ticked there, and the series page's rolling log shows what is still open; then the
 * series is deleted after a confirmation that says how many meetings go with it.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { artifactsDir, editorText, launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

const FIRST = `# Weekly sync 2025-03-03

## Agenda

1. Release 1.4 (Ana) 10 min
2. Offsite (Bo?) 15 min

# Notes

## Release 1.4

- Tests are green on main.

## Action items

`;

const ITEMS = ['- [ ] Tag the release @ana due 2025-03-14', '- [ ] Book the room for the offsite @bo', '- [x] Write the changelog @bo'].join('\n');

/** `YYYY-MM-DD`, `days` after today (UTC, as the server dates meetings). */
const day = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The first meeting of the README's series, dated today. */
const teamSync = (): string => `# Team sync ${day(0)}

**Date:** ${day(0)}

## Agenda

1. Infrastructure (Carla) 10 min
2. Offsite (Bo?) 15 min
3. Roadmap (Ana / Bo) 20 min

# Notes

## Infrastructure

- The new build machines are in.
- [ ] Renew the TLS certificate @carla due ${day(3)}
- [x] Move the CI runners @carla

## Offsite

- [ ] Book the room for the offsite @bo due ${day(10)}
- [ ] Ask the team who comes

## Roadmap

- [ ] Collect the feature requests @ana

## Decisions

- The offsite is in May.
`;

/** The meeting id of a page's URL. */
const meetingIdOf = (page: Page): string => new URL(page.url()).pathname.split('/')[2];

/**
 * Clicks `target` as a person does while typing: the press moves the focus out of the editor and
 * the button comes up only once the page has shown that (the attendee list no longer says where
 * this attendee is). If anything moved meanwhile, the release lands elsewhere and the click is lost.
 */
const clickLeavingEditor = async (page: Page, target: Locator): Promise<void> => {
  await page.locator('attendee-list li.attendee[data-section="notes"]', { hasText: '(you)' }).waitFor();
  await target.hover();
  await page.mouse.down();
  await page.locator('attendee-list li.attendee[data-section=""]', { hasText: '(you)' }).waitFor();
  await page.mouse.up();
};

describe('a meeting series', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let first: CreatedMeeting;
  const problems: PageProblems[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    first = await createMeeting(server.url, { markdown: FIRST });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    problems.push(await watchProblems(context));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts the next meeting from the page: it carries exactly the open items, with links back', async () => {
    const page = await context.newPage();
    await openMeeting(page, `${server.url}/m/${first.id}#key=${first.editKey}`, 'Ana');
    await waitForStatus(page, 'live');

    // Make this a series: the title is suggested without the date.
    await page.locator('series-box button.make').click();
    const dialog = page.locator('make-series-dialog dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('input[name="title"]').inputValue()).toBe('Weekly sync');
    await dialog.locator('select[name="cadence"]').selectOption('weekly');
    await dialog.locator('button.create').click();
    await page.locator('series-box a.series-link', { hasText: 'Weekly sync' }).waitFor();
    expect(await page.locator('series-box .prev, series-box .none').first().innerText()).toBe('First meeting');

    // Two open items and one done item, written in the page.
    await page.locator('meeting-section.notes .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`${ITEMS}\n`);
    await waitFor(async () => (await page.locator('action-items-panel section.open li.item').count()) === 2, 'two open items in the panel');
    expect(await page.locator('action-items-panel details.done li.item').count()).toBe(1);
    await waitForStatus(page, 'live', 'saved');

    await clickLeavingEditor(page, page.locator('series-box button.start-next'));
    await waitFor(() => meetingIdOf(page) !== first.id, 'the next meeting to open');
    await waitForStatus(page, 'live');
    const second = meetingIdOf(page);
    const notes = await editorText(page, 'notes');
    const carried = notes.slice(notes.indexOf('## Carried over'));
    expect(carried.split('\n').filter((line) => line.startsWith('- '))).toEqual([
      `- [ ] Tag the release @ana due 2025-03-14 (from [Weekly sync 2025-03-03](/m/${first.id}))`,
      `- [ ] Book the room for the offsite @bo (from [Weekly sync 2025-03-03](/m/${first.id}))`,
    ]);
    expect(notes).not.toContain('Write the changelog');
    // The panel lists them with their links back, which open the first meeting with a key.
    const open = page.locator('action-items-panel section.open li.item');
    await waitFor(async () => (await open.count()) === 2, 'the carried items in the panel');
    expect(await open.locator(`a[href^="/m/${first.id}#key="]`).count()).toBe(2);
    expect(await page.locator('series-box a.prev').getAttribute('href')).toMatch(new RegExp(`^/m/${first.id}#key=`));

    // Tick one in the new meeting.
    await page.locator('action-items-panel li.item', { hasText: 'Book the room' }).locator('input[type="checkbox"]').click();
    await waitFor(async () => (await editorText(page, 'notes')).includes('- [x] Book the room for the offsite @bo (from'), 'the tick');
    await waitForStatus(page, 'live', 'saved');

    // The link back opens the first meeting, whose "next" is now the second.
    await open.first().locator('a').click();
    await waitFor(() => meetingIdOf(page) === first.id, 'the first meeting');
    await waitForStatus(page, 'live');
    await waitFor(async () => (await page.locator('series-box a.next').getAttribute('href'))?.startsWith(`/m/${second}#key=`), 'the next link');
  });

  it("the series page lists the meetings newest first and the rolling log's one open item", async () => {
    const page = context.pages()[0];
    await page.locator('series-box a.series-link').click();
    await page.locator('series-page h1', { hasText: 'Weekly sync' }).waitFor();
    const meetings = page.locator('series-page ul.meetings li');
    expect(await meetings.count()).toBe(2);
    expect(await meetings.nth(0).innerText()).toMatch(/^Weekly sync \d{4}-\d{2}-\d{2}\s+latest[\s\S]*1 open · 1 done$/);
    expect(await meetings.nth(1).innerText()).toMatch(/^Weekly sync 2025-03-03[\s\S]*2 open · 1 done$/);

    const log = page.locator('series-action-log');
    expect(await log.locator('li').count()).toBe(1);
    expect(await log.locator('h3.owner').allInnerTexts()).toEqual(['@ana (1)']);
    const item = log.locator('li').first();
    expect(await item.innerText()).toContain('Tag the release @ana due 2025-03-14');
    expect(await item.locator('a.seen-in').innerText()).toMatch(/^Weekly sync \d{4}-\d{2}-\d{2}$/);

    // The calendar feed is the view key's, and it is a calendar.
    const feed = await page.locator('series-page input.link-feed').inputValue();
    expect(feed).toMatch(/\/api\/series\/[\w-]+\/calendar\.ics\?key=/);
    const response = await fetch(feed);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    expect(await response.text()).toContain('BEGIN:VCALENDAR');
    expect(await page.locator('series-page a.subscribe').getAttribute('href')).toBe(feed.replace(/^http:/, 'webcal:'));

  });

  it('deletes the series and all its meetings only after a confirmation that says so', async () => {
    const page = context.pages()[0];
    // Each meeting's own edit key, as this browser remembered them.
    const keys = await page.evaluate(() => (JSON.parse(localStorage.getItem('meetpad:meetings') ?? '[]') as { id: string; editKey?: string }[]).map(({ id, editKey }) => ({ id, editKey })));
    const ids = await page.locator('series-page ul.meetings li').evaluateAll((items) => items.map((li) => li.getAttribute('data-id')!));
    const status = async (id: string): Promise<number> => {
      const response = await fetch(`${server.url}/api/meetings/${id}`, { headers: { authorization: `Bearer ${keys.find((k) => k.id === id)?.editKey}` } });
      await response.body?.cancel();
      return response.status;
    };
    expect(ids).toHaveLength(2);

    await page.locator('series-page button.delete').click();
    const dialog = page.locator('delete-series-dialog dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.innerText()).toContain('all 2 meetings');
    await dialog.locator('button.cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await Promise.all(ids.map(status))).toEqual([200, 200]);

    await page.locator('series-page button.delete').click();
    await dialog.locator('button.confirm', { hasText: 'Delete the series and 2 meetings' }).click();
    await page.locator('series-page h1', { hasText: 'Series deleted' }).waitFor();
    expect(await Promise.all(ids.map(status))).toEqual([410, 410]);
    // This browser forgot them too.
    expect(await page.evaluate(() => localStorage.getItem('meetpad:meetings'))).toBe('[]');
  });

  it('three weeks of a team sync: nothing open is ever copied by hand (the README screenshots)', async () => {
    const post = async <T>(path: string, key: string | null, body: unknown): Promise<T> => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const week1 = await createMeeting(server.url, { markdown: teamSync() });
    const series = await post<{ id: string; editKey: string }>(`/api/meetings/${week1.id}/series`, week1.editKey, { title: 'Team sync', cadence: 'weekly' });
    const week2 = await post<{ id: string }>(`/api/series/${series.id}/meetings`, series.editKey, {});

    // Week 2, in the page opened with the series link: one item is done, one is new.
    const team = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    problems.push(await watchProblems(team));
    const page = await team.newPage();
    await openMeeting(page, `${server.url}/m/${week2.id}#key=${series.editKey}`, 'Ana', '#2a9d8f');
    await waitForStatus(page, 'live');
    await page.locator('action-items-panel li.item', { hasText: 'Renew the TLS certificate' }).locator('input[type="checkbox"]').click();
    await page.locator('meeting-section.notes .cm-line', { hasText: 'Carried over' }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`- [ ] Draft the Q3 roadmap @bo @ana due ${day(21)}\n`);
    await waitFor(async () => (await page.locator('action-items-panel section.open li.item').count()) === 4, 'four open items');
    await waitForStatus(page, 'live', 'saved');

    // Week 3 is started from the page and carries the four.
    await clickLeavingEditor(page, page.locator('series-box button.start-next'));
    await waitFor(() => meetingIdOf(page) !== week2.id, 'week 3');
    await waitForStatus(page, 'live');
    await waitFor(async () => (await page.locator('action-items-panel section.open li.item').count()) === 4, 'week 3 carries four items');
    await page.locator('meeting-section.notes .cm-line', { hasText: 'Decisions' }).click();
    await page.keyboard.press('End');
    await page.keyboard.insertText('\n\n- Move the sync to Tuesdays.');
    await page.locator('action-items-panel li.item', { hasText: 'Book the room' }).locator('.text').click();
    await waitForStatus(page, 'live', 'saved');
    const dir = await artifactsDir();
    await page.screenshot({ path: join(dir, 'series-meeting.png') });
    await copyFile(join(dir, 'series-meeting.png'), join(DOCS, 'screenshot-action-items.png'));

    await clickLeavingEditor(page, page.locator('series-box a.series-link'));
    await page.locator('series-page h1', { hasText: 'Team sync' }).waitFor();
    expect(await page.locator('series-page ul.meetings li').count()).toBe(3);
    expect(await page.locator('series-action-log li').count()).toBe(5); // the roadmap item is under both owners
    expect(await page.locator('series-action-log h3.owner').allInnerTexts()).toEqual(['@ana (2)', '@bo (2)', 'Unassigned (1)']);
    await page.screenshot({ path: join(dir, 'series.png'), fullPage: true });
    await copyFile(join(dir, 'series.png'), join(DOCS, 'screenshot-series.png'));
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
