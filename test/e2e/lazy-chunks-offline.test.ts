/**
 * Chunks loaded on demand that cannot be fetched: the search module (the editor says so, and the
 * key goes to the browser again, with no unhandled rejection), and a code grammar that the service
 * worker does not hold offline (the block stays plain text and the editor keeps working). And one
 * the worker does hold: the Topics tab opens offline in a meeting first opened after the worker
 * came with the start page, though the page never fetched its chunk.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEARCH_UNAVAILABLE } from '../../client/lib/lazy-search.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { editorText, flushIndexedDb, openMeeting, typeAtEnd, waitForStatus, useBrowserSuite } from './browser.js';

// Whether the page's default action of each key press was prevented (CodeMirror took the key).
const recordKeys = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const keys: boolean[] = [];
    (window as unknown as { taken: boolean[] }).taken = keys;
    window.addEventListener('keydown', (event) => {
      if (event.ctrlKey && /^[a-z]$/i.test(event.key)) keys.push(event.defaultPrevented);
    });
  });
const taken = (page: Page): Promise<boolean[]> => page.evaluate(() => (window as unknown as { taken: boolean[] }).taken);

describe('chunks that cannot be loaded', () => {
  const suite = useBrowserSuite();
  const { newContext } = suite;

  it('a search that cannot load says so and lets the key through next time', async () => {
    const meeting = await createMeeting(suite.server.url, { title: 'No search' });
    const { page, context, problems } = await newContext({ serviceWorkers: 'block' });
    let refused = true;
    await context.route(/\/assets\/search-[^/]+\.js$/, (route) => (refused ? route.abort('internetdisconnected') : route.continue()));
    await openMeeting(page, `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Sam');
    await waitForStatus(page, 'live');
    await typeAtEnd(page, 'notes', ' words');
    await recordKeys(page);

    // Nothing selected: selecting the matches of the selection has nothing to do, the key is not taken.
    await page.keyboard.press('Control+Shift+L');
    await page.keyboard.press('Control+f');
    const message = page.locator('meeting-section.notes .cm-search-unavailable');
    await message.waitFor();
    expect(await message.innerText()).toBe(SEARCH_UNAVAILABLE);
    await page.keyboard.press('Control+f');
    expect(await taken(page)).toEqual([false, true, false]);
    expect(await page.locator('meeting-section.notes .cm-search').count()).toBe(0);

    // Typing clears the message; the editor still edits.
    await page.keyboard.type(' more');
    await message.waitFor({ state: 'detached' });
    expect(await editorText(page, 'notes')).toContain('words more');
    expect(problems.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);

    // Back online, the next key loads it after all (or, should Chromium keep the failed import,
    // stays with the browser's own search: both are fine, a broken key is not).
    refused = false;
    await page.keyboard.press('Control+f');
    await waitFor(async () => (await page.locator('meeting-section.notes .cm-search').count()) === 1 || (await taken(page)).length === 4, 'the key to be answered');
    expect(await page.locator('meeting-section.notes .cm-search-unavailable').count()).toBe(0);
  });

  it('a meeting opened after the worker installed opens its Topics tab offline, from a chunk it never fetched', async () => {
    const meeting = await createMeeting(suite.server.url, { title: 'Offline topics', markdown: '# Agenda\n\n1. Budget\n2. Hiring\n\n# Notes\n\nfirst\n' });
    const { page, context } = await newContext({});
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.goto(`${suite.server.url}/`);
    await page.locator('start-page button').first().waitFor();
    await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker to take control');
    await openMeeting(page, `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Lars');
    await waitForStatus(page, 'live');
    const topicsChunk = /^\/assets\/topic-list-[^/]+\.js$/;
    const cached = (): Promise<string[]> =>
      page.evaluate(async () => {
        const paths: string[] = [];
        for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
        return paths;
      });
    await waitFor(async () => (await cached()).some((path) => topicsChunk.test(path)), 'the worker to keep the topics tab');
    expect(fetched.filter((path) => topicsChunk.test(path))).toEqual([]);
    await flushIndexedDb(page, meeting.id);

    await context.setOffline(true);
    await page.reload();
    await waitFor(async () => (await editorText(page, 'notes')).includes('first'), 'the meeting to open offline');
    await page.locator('side-panel button[data-tab="topics"]').click();
    await page.locator('topic-list li', { hasText: 'Hiring' }).waitFor();
  });

  it('a code grammar the service worker does not hold offline leaves the block plain and the editor working', async () => {
    const meeting = await createMeeting(suite.server.url, { title: 'Offline code', markdown: '# Agenda\n\n- one\n\n# Notes\n\nNo code yet.\n' });
    const { page, context, problems } = await newContext({});
    const grammars: string[] = [];
    context.on('request', (request) => {
      if (/\/assets\/lang-/.test(request.url())) grammars.push(request.url());
    });
    await openMeeting(page, `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Olga');
    await waitForStatus(page, 'live');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker to take control');
    await flushIndexedDb(page, meeting.id);

    await context.setOffline(true);
    await page.reload();
    await waitFor(async () => (await editorText(page, 'notes')).includes('No code yet.'), 'the meeting to open offline');
    await typeAtEnd(page, 'notes', '\n\n```css\nbody { color: red; }\n```\n\nStill typing.');
    await waitFor(() => grammars.length > 0, 'the page to ask for the CSS grammar');
    await page.keyboard.type(' And more.');
    expect(await editorText(page, 'notes')).toContain('body { color: red; }\n```\n\nStill typing. And more.');
    expect(await page.locator('meeting-section.notes .cm-editor').count()).toBe(1);
    // Only the browser's own reports of the refused requests: the failed grammar load waits quietly.
    const errors = problems.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket connection/.test(e));
    expect(errors).toEqual([]);
  });
});
