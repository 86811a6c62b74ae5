/**
 * Offline editing: an attendee loses the network, keeps typing, reloads the page while still offline
 * (service worker + IndexedDB), comes back, and everything merges with nothing lost or duplicated.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, flushIndexedDb, launchBrowser, openMeeting, previewText, typeAtEnd, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const occurrences = (text: string, phrase: string): number => text.split(phrase).length - 1;

describe('offline editing', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  const attendee = async (url: string, name: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    await openMeeting(page, url, name);
    await waitForStatus(page, 'live');
    return page;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('edits made offline survive a reload while offline and merge when the connection returns', async () => {
    const meeting = await createMeeting(server.url, { title: 'Offline planning' });
    const url = `${server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const online = await attendee(url, 'Olive');
    const traveller = await attendee(url, 'Trevor');
    const travellerContext = contexts[1];
    // The app shell must be cached before the network goes away.
    await traveller.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await travellerContext.setOffline(true);
    await waitForStatus(traveller, 'offline');

    await Promise.all([
      typeAtEnd(online, 'notes', '\nOlive typed this while Trevor was away'),
      typeAtEnd(traveller, 'notes', '\nTrevor typed this on the plane'),
    ]);
    await typeAtEnd(traveller, 'agenda', '\nTrevor adds an agenda item offline');
    await waitFor(async () => (await traveller.locator('status-indicator').getAttribute('save')) === 'unsaved', 'unsaved status');
    await flushIndexedDb(traveller, meeting.id);

    // The page can only have come from the service worker: the network is off. (Chromium 150 no
    // longer carries the emulated offline state into the reloaded document's navigator.onLine, so
    // that is not what this checks.)
    const reloaded = await traveller.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await waitFor(async () => (await editorText(traveller, 'notes')).includes('Trevor typed this on the plane'), 'offline edits after reload');
    expect(await editorText(traveller, 'agenda')).toContain('Trevor adds an agenda item offline');
    expect(await traveller.locator('status-indicator').getAttribute('connection')).toBe('offline');
    await typeAtEnd(traveller, 'notes', ' and after the reload');
    await flushIndexedDb(traveller, meeting.id);

    await travellerContext.setOffline(false);
    await waitForStatus(traveller, 'live', 'saved');

    const phrases = ['Olive typed this while Trevor was away', 'Trevor typed this on the plane', 'and after the reload'];
    await waitFor(async () => {
      const [a, b] = await Promise.all([editorText(online, 'notes'), editorText(traveller, 'notes')]);
      return a === b && phrases.every((p) => occurrences(a, p) === 1);
    }, 'notes to converge');
    await waitFor(async () => (await editorText(online, 'agenda')) === (await editorText(traveller, 'agenda')), 'agenda to converge');
    expect(occurrences(await editorText(online, 'agenda'), 'Trevor adds an agenda item offline')).toBe(1);
    await waitFor(async () => (await previewText(online, 'notes')).includes('and after the reload'), 'preview at the online attendee');
    await waitForStatus(online, 'live', 'saved');
  });

  it('no page logged an error, apart from failed requests while offline', () => {
    const errors = problems.flatMap((p) => p.errors).filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket connection/.test(e));
    expect(errors).toEqual([]);
  });
});
