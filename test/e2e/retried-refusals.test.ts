/**
 * The refusals a page retries by itself, from their real causes: storage that fails its writes
 * (4503) and a presence flood past the awareness rate (4429). The page says in words what happened
 * and when it tries again, keeps the edits, and saves them once the server takes them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, launchBrowser, openMeeting, typeAtEnd, waitForStatus } from './browser.js';

/** Every text the retry banner showed, recorded in the page (a 1 s wait is too short to poll). */
const recordBanners = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { bannerTexts: string[] }).bannerTexts = seen;
    // The banner sits in nested shadow roots: search them all.
    const find = (root: Document | ShadowRoot): Element | null => {
      const hit = root.querySelector('.banner[data-retry-ms] .text');
      if (hit) return hit;
      for (const host of root.querySelectorAll('*')) {
        const inner = host.shadowRoot && find(host.shadowRoot);
        if (inner) return inner;
      }
      return null;
    };
    const look = (): void => {
      const text = find(document)?.textContent?.trim();
      if (text && seen.at(-1) !== text) seen.push(text);
      requestAnimationFrame(look);
    };
    look();
  });

const bannerTexts = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { bannerTexts: string[] }).bannerTexts);

const exportOf = async (server: TestServer, id: string, key: string): Promise<string> => {
  const response = await fetch(`${server.url}/api/meetings/${id}/export.md?key=${key}`);
  return response.text();
};

describe('refusals the page retries, said in words', () => {
  let browser: Browser;
  let server: TestServer | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await browser?.close();
  });

  const open = async (title: string): Promise<{ page: Page; id: string; viewKey: string }> => {
    const meeting = await createMeeting(server!.url, { title });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openMeeting(page, `${server!.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Typist');
    await waitForStatus(page, 'live');
    await recordBanners(page);
    return { page, id: meeting.id, viewKey: meeting.viewKey };
  };

  it('4503: storage that fails its writes is "Cannot save right now", the edit is kept and saved once storage is back', async () => {
    const store = new MemoryStore();
    server = await startTestServer({ deps: { store } });
    const { page, id, viewKey } = await open('Failing disk');

    store.failWrites = true;
    await typeAtEnd(page, 'notes', '\nTyped while the disk fails');
    await waitFor(async () => (await bannerTexts(page)).length > 0, 'the retry banner');
    expect((await bannerTexts(page))[0]).toMatch(/^Cannot save right now, retrying in \d+ s\. Your edits are kept in this browser\.$/);
    expect(await page.locator('status-indicator').getAttribute('save')).toBe('unsaved');
    expect(await editorText(page, 'notes')).toContain('Typed while the disk fails');

    store.failWrites = false;
    await waitForStatus(page, 'live', 'saved');
    expect(await page.locator('meeting-page .banner[data-retry-ms]').count()).toBe(0);
    expect(await exportOf(server, id, viewKey)).toContain('Typed while the disk fails');
    // Every wait the page announced meanwhile said the same thing in the same words.
    for (const text of await bannerTexts(page)) expect(text).toMatch(/^Cannot save right now, (retrying in \d+ s\.|reconnecting…) Your edits are kept in this browser\.$/);
  }, 60_000);

  it('4429: moving the cursor faster than the awareness rate is said as such, not as refused edits, and the page comes back', async () => {
    // One presence update a second: a held arrow key moves the cursor (each move is an awareness
    // update, typing at the end is not) far more often than that, ten seconds' worth in a moment.
    server = await startTestServer({ config: { awarenessPerSecond: 1 } });
    const { page, id, viewKey } = await open('Fast typist');

    await typeAtEnd(page, 'notes', '\nTyping faster than the cursor rate allows');
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowLeft');
    await waitFor(async () => (await bannerTexts(page)).length > 0, 'the retry banner');
    expect((await bannerTexts(page))[0]).toMatch(/^This page sent too many updates too quickly, retrying in \d+ s\. Your edits are kept in this browser\.$/);

    await waitForStatus(page, 'live', 'saved');
    expect(await editorText(page, 'notes')).toContain('Typing faster than the cursor rate allows');
    expect(await exportOf(server, id, viewKey)).toContain('Typing faster than the cursor rate allows');
    expect(await page.locator('meeting-page .banner').count()).toBe(0);
  }, 60_000);
});
