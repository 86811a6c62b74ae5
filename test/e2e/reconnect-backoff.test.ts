/**
 * A server that accepts the connection, syncs and then closes it because it cannot save (4503) must
 * not be hammered: the page waits longer after each such close, says how long, and starts again from
 * a short wait only once a connection was healthy (its edits acknowledged).
 *
 * The fault comes from a relay in front of the real server that forwards everything, drops the
 * server's "saved" acks and closes the page's socket with 4503 right after the sync, which is what the
 * page sees from a server whose writes fail.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, launchBrowser, openMeeting, typeAtEnd, waitForStatus } from './browser.js';
import { startFaultProxy, type FaultProxy, type ProxySession } from './fault-proxy.js';

/** The wait the page announced last: the retry banner's attempt number, delay and text. */
const announced = async (page: Page): Promise<{ attempt: number; delayMs: number; text: string } | null> => {
  const banner = page.locator('meeting-page .banner[data-retry-ms]');
  if ((await banner.count()) === 0) return null;
  const [attempt, delayMs, text] = await Promise.all([banner.getAttribute('data-attempt'), banner.getAttribute('data-retry-ms'), banner.innerText()]);
  return { attempt: Number(attempt), delayMs: Number(delayMs), text };
};

/** Waits until the page has announced the wait after failure number `attempt`. */
const announcement = async (page: Page, attempt: number, what: string): Promise<{ attempt: number; delayMs: number; text: string }> => {
  const seen = await waitFor(async () => {
    const now = await announced(page);
    return now?.attempt === attempt ? now : null;
  }, what);
  return seen!;
};

/** Waits for the relay's connection number `n` (1-based). */
const session = async (proxy: FaultProxy, n: number): Promise<ProxySession> => (await waitFor(() => proxy.sessions[n - 1], `connection ${n}`))!;

describe('reconnecting to a server that cannot save', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    proxy = await startFaultProxy(server.url);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await proxy?.close();
    await server?.close();
  });

  it('waits longer after each 4503 close, one attempt per announced wait, and starts short again after a healthy connection', async () => {
    const meeting = await createMeeting(server.url, { title: 'Full disk' });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    proxy.closeAfterSync = CLOSE.storageUnavailable;
    // Each connection waits at the relay until released: the test reads the page between attempts
    // (the banner keeps the last wait until a connection syncs), never racing the page's timers.
    proxy.holdSync = true;
    await openMeeting(page, `${proxy.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Patient');
    await typeAtEnd(page, 'notes', '\nTyped while the server cannot save');

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const held = await session(proxy, attempt);
      if (attempt > 1) {
        const seen = await announcement(page, attempt - 1, `the wait after close ${attempt - 1}`);
        expect(seen.text).toContain('Cannot save right now');
        waits.push(seen.delayMs);
      }
      // Exactly one new connection per announced wait, each synced and then closed with 4503.
      expect(proxy.sessions.length).toBe(attempt);
      held.release();
      await waitFor(() => held.closedWith === CLOSE.storageUnavailable, `connection ${attempt} to sync and get the 4503`);
    }
    const last = await announcement(page, 4, 'the wait after close 4');
    expect(last.text).toMatch(new RegExp(`Cannot save right now, retrying in ${Math.ceil(last.delayMs / 1000)} s`));
    waits.push(last.delayMs);
    for (let i = 1; i < waits.length; i++) expect(waits[i], `waits ${waits.join(', ')} ms`).toBeGreaterThan(waits[i - 1]!);
    expect(proxy.sessions.every((s) => s.synced && s.closedWith === CLOSE.storageUnavailable)).toBe(true);
    expect(await page.locator('status-indicator').getAttribute('save')).toBe('unsaved');

    // The server can save again: "Retry now" connects at once, the edit is acknowledged, the banner goes.
    proxy.closeAfterSync = null;
    proxy.holdSync = false;
    await page.locator('meeting-page button.retry-now').click();
    await waitForStatus(page, 'live', 'saved');
    expect(await page.locator('meeting-page .banner[data-retry-ms]').count()).toBe(0);
    const exported = await fetch(`${server.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`);
    expect(await exported.text()).toContain('Typed while the server cannot save');
    const sessionsBefore = proxy.sessions.length;

    // After that healthy connection, the next failure starts from the shortest wait again.
    proxy.holdSync = true;
    proxy.closeSockets(CLOSE.storageUnavailable);
    const next = await session(proxy, sessionsBefore + 1);
    const fresh = await announcement(page, 1, 'the first wait after a healthy connection');
    expect(fresh.delayMs).toBeLessThan(waits[1]!);
    next.release();
    await waitForStatus(page, 'live');
    expect(proxy.sessions.length).toBe(sessionsBefore + 1);
    expect(await editorText(page, 'notes')).toContain('Typed while the server cannot save');
  });
});
