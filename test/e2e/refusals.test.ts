/**
 * A refusal the server gives after the upgrade is said in words, and a final one stops the page
 * from reconnecting (it would be refused again: hammering the server helps nobody).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { editorText, launchBrowser, openMeeting, typeAtEnd, waitForStatus } from './browser.js';

describe('refusals shown to a person', () => {
  let server: TestServer;
  let browser: Browser;
  let upgrades = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ config: { maxDocBytes: 8192 } }), launchBrowser()]);
    server.app.server.on('upgrade', () => upgrades++);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an edit past the meeting size limit is refused with a clear message, kept locally, and not retried in a loop', async () => {
    const meeting = await createMeeting(server.url, { title: 'Small meeting' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Paster');
    await waitForStatus(page, 'live');

    await typeAtEnd(page, 'notes', '\n');
    await page.keyboard.insertText('pasted minutes '.repeat(800));
    await page.locator('meeting-page .banner.error', { hasText: 'too large' }).waitFor();
    await waitForStatus(page, 'stopped');
    expect(await editorText(page, 'notes')).toContain('pasted minutes pasted minutes');

    // y-websocket would retry within its 2.5 s maximum backoff; give it twice that to show it does not.
    const attempts = upgrades;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(upgrades).toBe(attempts);
    const exported = await (await fetch(`${server.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`)).text();
    expect(exported).not.toContain('pasted minutes');
    await waitFor(() => server.app.meetpad.collab.size === 0, 'the refused socket to be gone');
    await context.close();
  });
});
