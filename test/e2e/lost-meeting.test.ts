/**
 * The offline copy may be the last copy of the notes: it is discarded only when the server itself
 * says, in its coded answer, that the meeting was deleted, and never before the person could save
 * the edits the server never acknowledged. A server that merely does not know the meeting (started
 * on an empty or unmounted data directory, or a proxy's 404) keeps the copy and says so.
 */
import { readFile, rm } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, flushIndexedDb, launchBrowser, openMeeting, typeAtEnd, waitForStatus, watchProblems, type PageProblems } from './browser.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

/** True while the browser holds the meeting's IndexedDB copy. */
const hasLocalCopy = (page: Page, meetingId: string): Promise<boolean> =>
  page.evaluate(async (name) => (await indexedDB.databases()).some((db) => db.name === name), `meetpad:${meetingId}`);

/** True while "My meetings" lists the meeting. */
const listed = (page: Page, meetingId: string): Promise<boolean> =>
  page.evaluate((id) => (localStorage.getItem('meetpad:meetings') ?? '').includes(id), meetingId);

/** Clicks a button that downloads a file and returns the file's text. */
const downloadedText = async (page: Page, button: Locator): Promise<string> => {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFile(await download.path(), 'utf8');
};

const exportOf = async (url: string, id: string, key: string): Promise<string> => {
  const response = await fetch(`${url}/api/meetings/${id}/export.md?key=${key}`);
  return response.text();
};

const portOf = (server: TestServer): number => Number(new URL(server.url).port);

describe('a meeting the server no longer serves', () => {
  let browser: Browser;
  let server: TestServer;
  let proxy: FaultProxy;
  const running = new Set<TestServer>();
  const dirs: string[] = [];

  /** Starts a server that afterAll closes unless the test did. */
  const start = async (options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
    const started = await startTestServer(options);
    running.add(started);
    return started;
  };

  const stop = async (which: TestServer, options?: { keepData?: boolean }): Promise<void> => {
    running.delete(which);
    await which.close(options);
  };
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  const attendee = async (url: string, name: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    contexts.push(context);
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    await openMeeting(page, url, name);
    await waitForStatus(page, 'live');
    return { context, page };
  };

  /** Goes offline, types into the notes and waits until the edit is only in this browser. */
  const typeOffline = async (context: BrowserContext, page: Page, meetingId: string, text: string): Promise<void> => {
    await context.setOffline(true);
    await waitForStatus(page, 'offline');
    await typeAtEnd(page, 'notes', text);
    await waitFor(async () => (await page.locator('status-indicator').getAttribute('save')) === 'unsaved', 'unsaved status');
    await flushIndexedDb(page, meetingId);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    proxy = await startFaultProxy(server.url);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await proxy?.close();
    await server?.close();
    for (const s of running) await s.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a server started on an empty data directory does not wipe the offline copy, and the edits reach the real server later', async () => {
    const original = await start();
    const port = portOf(original);
    dirs.push(original.dataDir);
    const meeting = await createMeeting(original.url, { title: 'Last copy' });
    const { context, page } = await attendee(`${original.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Keeper');
    await typeOffline(context, page, meeting.id, '\nWritten offline, on the last copy');

    // The operator restarts the server on the wrong (empty) data directory, same address.
    await stop(original, { keepData: true });
    const empty = await start({ port });
    await context.setOffline(false);
    await page.locator('meeting-page .banner.error', { hasText: 'does not know this meeting' }).waitFor();
    expect(await page.locator('status-indicator').getAttribute('connection')).toBe('stopped');

    await page.reload();
    const banner = page.locator('meeting-page .banner.error', { hasText: 'does not know this meeting' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('kept in this browser');
    await waitFor(async () => (await editorText(page, 'notes')).includes('Written offline, on the last copy'), 'the kept copy to show');
    expect(await hasLocalCopy(page, meeting.id)).toBe(true);
    expect(await listed(page, meeting.id)).toBe(true);
    // Shown read only: nothing typed now could reach a server that does not know the meeting.
    expect(await page.locator('meeting-section.notes .cm-content').getAttribute('contenteditable')).toBe('false');
    const markdown = await downloadedText(page, page.locator('meeting-page button.download-local'));
    expect(markdown).toContain('Last copy');
    expect(markdown).toContain('Written offline, on the last copy');

    // The right data directory again: the kept edits sync, exactly once.
    await stop(empty);
    const restored = await start({ dataDir: original.dataDir, port });
    await page.reload();
    await waitForStatus(page, 'live', 'saved');
    const exported = await exportOf(restored.url, meeting.id, meeting.viewKey);
    expect(exported.split('Written offline, on the last copy').length - 1).toBe(1);
  });

  it("a proxy's bare 404 for the API keeps the offline copy", async () => {
    const meeting = await createMeeting(server.url, { title: 'Behind a misconfigured proxy' });
    const { page } = await attendee(`${proxy.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Proxied');
    await typeAtEnd(page, 'notes', '\nTyped through the proxy');
    await waitForStatus(page, 'live', 'saved');
    await flushIndexedDb(page, meeting.id);

    proxy.fault = (req) => (/^\/(api|collab)\//.test(req.url ?? '') ? { status: 404, body: '<h1>404 Not Found</h1>' } : null);
    try {
      await page.reload();
      await page.locator('meeting-page .banner.error', { hasText: 'does not know this meeting' }).waitFor();
      await waitFor(async () => (await editorText(page, 'notes')).includes('Typed through the proxy'), 'the kept copy to show');
      expect(await hasLocalCopy(page, meeting.id)).toBe(true);
    } finally {
      proxy.fault = null;
    }
    await page.reload();
    await waitForStatus(page, 'live', 'saved');
    expect(await editorText(page, 'notes')).toContain('Typed through the proxy');
  });

  it('a meeting deleted while a browser held unsaved edits offers them as Markdown, and discards only when asked', async () => {
    const meeting = await createMeeting(server.url, { title: 'Deleted meanwhile' });
    const { context, page } = await attendee(`${server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Late');
    await typeOffline(context, page, meeting.id, '\nUnsaved thoughts about a deleted meeting');
    const deleted = await fetch(`${server.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(deleted.status).toBe(204);
    await deleted.body?.cancel();

    // The server's answer is 410 {"error":"meeting_deleted"}: only that (or close 4404) means deleted.
    const answer = await fetch(`${server.url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(answer.status).toBe(410);
    expect(((await answer.json()) as { error?: string }).error).toBe('meeting_deleted');

    await context.setOffline(false);
    const banner = page.locator('meeting-page .banner.error', { hasText: 'This meeting was deleted' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('unsaved edits');
    expect(await page.locator('status-indicator').getAttribute('connection')).toBe('stopped');
    expect(await hasLocalCopy(page, meeting.id)).toBe(true);
    const markdown = await downloadedText(page, page.locator('meeting-page button.download-local'));
    expect(markdown).toContain('Unsaved thoughts about a deleted meeting');
    expect(await hasLocalCopy(page, meeting.id)).toBe(true);

    await page.locator('meeting-page button.discard').click();
    await waitFor(async () => !(await hasLocalCopy(page, meeting.id)), 'the local copy to be discarded');
    expect(await listed(page, meeting.id)).toBe(false);
    expect(await page.locator('meeting-section').count()).toBe(0);
    const after = await fetch(`${server.url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(after.status).toBe(410);
    await after.body?.cancel();
  });

  it('a 4404 close that arrives before the edits were acknowledged offers them before discarding', async () => {
    const meeting = await createMeeting(server.url, { title: 'Closed as deleted' });
    const { context, page } = await attendee(`${proxy.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Unlucky');
    await typeOffline(context, page, meeting.id, '\nTyped just before the deletion');
    // The relay drops the server's acks and closes with "deleted" right after the sync.
    proxy.closeAfterSync = CLOSE.deleted;
    try {
      await context.setOffline(false);
      const banner = page.locator('meeting-page .banner.error', { hasText: 'This meeting was deleted' });
      await banner.waitFor();
      expect(await banner.innerText()).toContain('unsaved edits');
    } finally {
      proxy.closeAfterSync = null;
    }
    expect(await hasLocalCopy(page, meeting.id)).toBe(true);
    expect(await downloadedText(page, page.locator('meeting-page button.download-local'))).toContain('Typed just before the deletion');
    await page.locator('meeting-page button.discard').click();
    await waitFor(async () => !(await hasLocalCopy(page, meeting.id)), 'the local copy to be discarded');
    await page.locator('meeting-page .banner.error', { hasText: 'This meeting was deleted.' }).waitFor();
  });

  it('no page logged an error, apart from refused requests', () => {
    const errors = problems.flatMap((p) => p.errors).filter((e) => !/Failed to load resource|WebSocket connection|ERR_INTERNET_DISCONNECTED/.test(e));
    expect(errors).toEqual([]);
  });
});
