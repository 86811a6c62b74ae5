/**
 * Hostile content and lost access: Markdown XSS payloads execute nothing, a wrong key or a deleted
 * meeting stops the page with a clear message, and a stale offline copy is never pushed back (its
 * unsaved edits are offered as a download first).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, launchBrowser, openMeeting, previewText, typeAtEnd, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '[click me](javascript:window.__pwned=2)',
  '<script>window.__pwned=3</script>',
  '<svg onload="window.__pwned=4"><script>window.__pwned=5</script></svg>',
  '![pic](javascript:window.__pwned=6)',
  '<a href="javascript:window.__pwned=7">link</a>',
  '[data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD04PC9zY3JpcHQ+)',
  '<iframe src="javascript:parent.__pwned=9"></iframe>',
  '<details open ontoggle="window.__pwned=10">x</details>',
];

describe('hostile content and lost access', () => {
  let server: TestServer;
  let browser: Browser;
  const problems: PageProblems[] = [];

  const attendee = async (url: string, name: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    await openMeeting(page, url, name);
    return { context, page };
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('XSS payloads typed into the notes execute nothing in either browser', async () => {
    const meeting = await createMeeting(server.url, { title: 'XSS' });
    const url = `${server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const { page: mallory } = await attendee(url, '<img src=x onerror="window.__pwned=11">');
    const { page: victim } = await attendee(url, 'Victim');
    await waitForStatus(victim, 'live');

    for (const payload of PAYLOADS) {
      await typeAtEnd(mallory, 'notes', '\n\n');
      await mallory.keyboard.insertText(payload);
    }
    await waitFor(async () => (await editorText(victim, 'notes')).includes('ontoggle'), 'payloads to arrive');
    await waitFor(async () => (await previewText(victim, 'notes')).includes('ontoggle'), 'payloads in the preview, as text');

    for (const page of [mallory, victim]) {
      const preview = page.locator('meeting-section.notes .preview');
      for (const selector of ['script', 'img', 'svg', 'iframe', 'details', '[onerror]', '[onload]', 'a[href^="javascript:"]', 'a[href^="data:"]']) {
        expect(await preview.locator(selector).count(), selector).toBe(0);
      }
      // Links that survived are plain http(s) and open safely.
      await page.locator('meeting-section.notes .preview a').evaluateAll((links) => links.forEach((a) => (a as HTMLElement).click()));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    }
    // The hostile display name is shown as text in the attendee list.
    expect(await victim.locator('attendee-list img').count()).toBe(0);
    await waitFor(async () => (await victim.locator('attendee-list li', { hasText: 'onerror' }).count()) === 1, 'name as text');
    expect(await victim.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });

  it('a wrong key stops with a clear message', async () => {
    const meeting = await createMeeting(server.url, { title: 'Keyed' });
    const { page } = await attendee(`${server.url}/m/${meeting.id}#key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, 'Guesser');
    await page.locator('meeting-page .banner.error', { hasText: 'key is wrong' }).waitFor();
    expect(await page.locator('status-indicator').getAttribute('connection')).toBe('stopped');
  });

  it('a deleted meeting closes open pages, and a stale offline copy is not pushed back', async () => {
    const meeting = await createMeeting(server.url, { title: 'Short-lived' });
    const url = `${server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const { page: present } = await attendee(url, 'Present');
    const { context: awayContext, page: away } = await attendee(url, 'Away');
    await waitForStatus(away, 'live');
    await awayContext.setOffline(true);
    await waitForStatus(away, 'offline');
    await typeAtEnd(away, 'notes', '\nstale edit made offline');

    const response = await fetch(`${server.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(response.status).toBe(204);
    await response.body?.cancel();
    await present.locator('meeting-page .banner.error', { hasText: 'deleted' }).waitFor();

    await awayContext.setOffline(false);
    // The server answers 410 meeting_deleted; the offline edit was never acknowledged, so it is offered first.
    await away.locator('meeting-page .banner.error', { hasText: 'deleted' }).waitFor();
    expect(await away.locator('meeting-page .banner.error').innerText()).toContain('unsaved edits');
    expect(await away.locator('status-indicator').getAttribute('connection')).toBe('stopped');
    await away.locator('meeting-page button.discard').click();
    // The local copy is gone and the meeting stays deleted.
    await waitFor(() => away.evaluate(async (name) => (await indexedDB.databases()).every((db) => db.name !== name), `meetpad:${meeting.id}`), 'local copy to be cleared');
    const after = await fetch(`${server.url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(after.status).toBe(410);
    await after.body?.cancel();
  });

  it('no page logged an error, apart from refused requests', () => {
    const errors = problems.flatMap((p) => p.errors).filter((e) => !/Failed to load resource|WebSocket connection|ERR_INTERNET_DISCONNECTED/.test(e));
    expect(errors).toEqual([]);
  });
});
