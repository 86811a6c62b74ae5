/**
 * Scrubbing a 200-revision history in Chromium: each step shows exactly that revision's export,
 * and the view fetches each export at most once (cached, neighbours prefetched, nothing refetched).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revision } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const REVISIONS = 200;

describe('scrubbing a long history', () => {
  let server: TestServer;
  let browser: Browser;
  let writer: Attendee | null = null;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    writer?.destroy();
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  // Making 200 revisions and 400 steps take a while on a busy machine: a generous budget, no threshold.
  it(`shows each of ${REVISIONS} revisions right, fetching each export at most once`, { timeout: 240_000 }, async () => {
    const meeting = await createMeeting(server.url, { markdown: '# Long meeting\n\n# Notes\n\n' });
    const auth = { authorization: `Bearer ${meeting.editKey}` };
    writer = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    const notes = notesOf(writer.doc);
    // The export of each revision, taken when it was made.
    const expected = new Map<number, string>();
    for (let i = 1; i <= REVISIONS; i++) {
      const line = `- step ${i}\n`;
      notes.insert(notes.length, line);
      // Each third step also edits an earlier line, so revisions are not only appends.
      if (i % 3 === 0) notes.delete(notes.toString().indexOf('step ') + 5, 1);
      const text = `# Long meeting\n\n${notes.toString()}`;
      await waitFor(async () => {
        const response = await fetch(`${server.url}/api/meetings/${meeting.id}/export.md`, { headers: auth });
        return (await response.text()) === text;
      }, `step ${i} on the server`);
      const response = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Step ${i}` }),
      });
      expect(response.status).toBe(201);
      expected.set(((await response.json()) as { revision: Revision }).revision.id, text);
    }
    expect(expected.size).toBe(REVISIONS);
    // The server may keep automatic revisions too (the meeting's start): those are shown as well.
    const listed = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions`, { headers: auth });
    const ids = ((await listed.json()) as { revisions: Revision[] }).revisions.map((r) => r.id);
    for (const id of ids.filter((id) => !expected.has(id))) {
      const response = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions/${id}/export.md`, { headers: auth });
      expected.set(id, await response.text());
    }
    expect(ids.length).toBeLessThan(REVISIONS + 3);

    const context = await browser.newContext({ viewport: { width: 1300, height: 850 } });
    contexts.push(context);
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    const fetched: number[] = [];
    page.on('request', (request) => {
      const match = /\/revisions\/(\d+)\/export\.md$/.exec(new URL(request.url()).pathname);
      if (match) fetched.push(Number(match[1]));
    });
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Sam');
    await waitForStatus(page, 'live');
    await page.locator('history-button button.history').click();
    const dialog = page.locator('history-view dialog');
    await dialog.waitFor({ state: 'visible' });
    await waitFor(async () => (await dialog.locator('button.rev').count()) === ids.length, 'the whole list');
    await dialog.locator('input.source-toggle').check();

    const shown = async (rev: number): Promise<string> => {
      const content = dialog.locator(`.content[data-tab="text"][data-rev="${rev}"][aria-busy="false"]`);
      await content.waitFor();
      return content.locator('pre.source').evaluate((pre) => pre.textContent ?? '');
    };
    const slider = dialog.locator('input.slider');
    await slider.focus();
    // From the newest back to the oldest, one arrow key at a time, then forward again.
    const chron = ids.toSorted((a, b) => a - b);
    for (let i = chron.length - 1; i >= 0; i--) {
      if (i < chron.length - 1) await page.keyboard.press('ArrowLeft');
      expect(await shown(chron[i])).toBe(expected.get(chron[i]));
    }
    for (let i = 1; i < 20; i++) {
      await page.keyboard.press('ArrowRight');
      expect(await shown(chron[i])).toBe(expected.get(chron[i]));
    }
    // Jumps with Home and End, as a fast drag would end.
    await page.keyboard.press('End');
    expect(await shown(chron[chron.length - 1])).toBe(expected.get(chron[chron.length - 1]));
    await page.keyboard.press('Home');
    expect(await shown(chron[0])).toBe(expected.get(chron[0]));

    expect(fetched.length).toBeLessThanOrEqual(ids.length);
    expect(new Set(fetched).size).toBe(fetched.length);
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
