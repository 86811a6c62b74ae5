/**
 * Behind the recommended reverse proxy, a server that is down answers 502, 503 or 504 instead of
 * failing the connection: the service worker must then open the offline copy, as it does offline.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, flushIndexedDb, launchBrowser, openMeeting, typeAtEnd, waitForStatus, watchProblems, type PageProblems } from './browser.js';
import { gatewayPage, startFaultProxy, type FaultProxy } from './fault-proxy.js';

describe('the offline copy behind a reverse proxy', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let problems: PageProblems = { errors: [] };

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

  it('a reload while the proxy answers 502, 503 or 504 opens the meeting from the offline copy', async () => {
    const meeting = await createMeeting(server.url, { title: 'Behind nginx' });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    problems = await watchProblems(context);
    const page = await context.newPage();
    await openMeeting(page, `${proxy.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Proxied');
    await waitForStatus(page, 'live');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker to control the page');
    await typeAtEnd(page, 'notes', '\nTyped before the server went down');
    await waitForStatus(page, 'live', 'saved');
    await flushIndexedDb(page, meeting.id);

    for (const status of [502, 503, 504]) {
      // The upstream is down: the proxy answers every request (pages, API, WebSocket) with its error page.
      proxy.fault = () => gatewayPage(status);
      const response = await page.reload();
      expect(response?.status(), `navigation answered from the cache instead of the ${status} page`).toBe(200);
      await waitFor(async () => (await editorText(page, 'notes')).includes('Typed before the server went down'), `the offline copy after a ${status}`);
      expect(await page.locator('body').innerText()).not.toContain('nginx');
      await waitForStatus(page, 'offline');
    }

    proxy.fault = null;
    await page.reload();
    await waitForStatus(page, 'live', 'saved');
    expect(await editorText(page, 'notes')).toContain('Typed before the server went down');
  });

  it('no page logged an error, apart from the refused requests', () => {
    const errors = problems.errors.filter((e) => !/Failed to load resource|WebSocket connection/.test(e));
    expect(errors).toEqual([]);
  });
});
