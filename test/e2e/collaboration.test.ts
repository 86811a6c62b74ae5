/**
 * Several people in one meeting, each in their own browser: concurrent typing converges, named
 * cursors and the attendee list follow presence, a late joiner gets everything.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { artifactsDir, editorText, launchBrowser, openMeeting, previewText, typeAtEnd, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const SECTIONS = ['agenda', 'notes'] as const;

describe('a meeting edited by several browsers', () => {
  let server: TestServer;
  let browser: Browser;
  let meeting: CreatedMeeting;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  const attendee = async (name: string, color: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${meeting.editKey}`, name, color);
    await waitForStatus(page, 'live');
    return page;
  };

  const converged = async (pages: Page[]): Promise<boolean> => {
    for (const section of SECTIONS) {
      const texts = await Promise.all(pages.map((p) => editorText(p, section)));
      if (texts.some((t) => t !== texts[0])) return false;
    }
    return true;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    meeting = await createMeeting(server.url, { title: 'Weekly sync' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('two attendees typing at once in agenda and notes converge, with named cursors and presence', async () => {
    const alice = await attendee('Alice', '#7b4fc9');
    const bob = await attendee('Bob', '#e07a1f');

    await Promise.all([
      typeAtEnd(alice, 'agenda', '\nAlice adds a topic about the release'),
      typeAtEnd(bob, 'notes', '\nBob notes the decision to ship on Friday'),
    ]);
    // Both in notes at once, at different places (typing at the same spot may interleave words).
    await Promise.all([typeAtEnd(alice, 'notes', '\n\nAlice writes in notes too', 'first-line'), typeAtEnd(bob, 'notes', ' and Bob keeps typing')]);

    await waitFor(() => converged([alice, bob]), 'both editors to converge');
    const notes = await editorText(alice, 'notes');
    for (const phrase of ['Bob notes the decision to ship on Friday', 'Alice writes in notes too', 'and Bob keeps typing']) {
      expect(notes.split(phrase).length - 1).toBe(1);
    }
    expect(await editorText(bob, 'agenda')).toContain('Alice adds a topic about the release');
    for (const page of [alice, bob]) {
      await waitFor(async () => (await previewText(page, 'agenda')).includes('Alice adds a topic about the release'), 'agenda preview');
      await waitFor(async () => (await previewText(page, 'notes')).includes('Bob notes the decision to ship on Friday'), 'notes preview');
    }

    // Alice's caret is in notes now; Bob's too. Each sees the other's name at the cursor.
    await waitFor(async () => (await bob.locator('meeting-section.notes .cm-ySelectionInfo', { hasText: 'Alice' }).count()) === 1, "Alice's cursor at Bob's");
    await waitFor(async () => (await alice.locator('meeting-section.notes .cm-ySelectionInfo', { hasText: 'Bob' }).count()) === 1, "Bob's cursor at Alice's");
    await waitFor(async () => (await alice.locator('attendee-list li.attendee[data-section="notes"]', { hasText: 'Bob' }).count()) === 1, 'Bob listed in notes');
    await typeAtEnd(bob, 'agenda', ' (Bob agrees)');
    await waitFor(async () => (await alice.locator('attendee-list li.attendee[data-section="agenda"]', { hasText: 'Bob' }).count()) === 1, 'Bob listed in agenda');
    await waitFor(async () => (await alice.locator('meeting-section.agenda .cm-ySelectionInfo', { hasText: 'Bob' }).count()) === 1, "Bob's cursor in agenda");

    // Every edit is acknowledged as durable.
    await waitForStatus(alice, 'live', 'saved');
    await waitForStatus(bob, 'live', 'saved');
    await waitFor(() => converged([alice, bob]), 'convergence after more typing');

    // Mode switch from the keyboard: view only, edit only, then split.
    const editor = alice.locator('meeting-section.notes .editor');
    const preview = alice.locator('meeting-section.notes .preview');
    await alice.keyboard.press('Control+Alt+V');
    await editor.waitFor({ state: 'hidden' });
    expect(await preview.isVisible()).toBe(true);
    await alice.keyboard.press('Control+Alt+E');
    await preview.waitFor({ state: 'hidden' });
    expect(await editor.isVisible()).toBe(true);
    await alice.keyboard.press('Control+Alt+S');
    await preview.waitFor({ state: 'visible' });
    expect(await editor.isVisible()).toBe(true);
    expect(await alice.locator('mode-switch button[data-mode="split"]').getAttribute('aria-pressed')).toBe('true');

    const dir = await artifactsDir();
    await alice.locator('mode-switch button[data-mode="split"]').click();
    await alice.screenshot({ path: join(dir, 'meeting-split.png') });
  });

  it('an attendee who joins late sees everything typed before', async () => {
    const carol = await attendee('Carol', '#2a9d8f');
    const alice = contexts[0].pages()[0];
    await waitFor(() => converged([alice, carol]), 'late joiner to have everything');
    expect(await editorText(carol, 'notes')).toContain('Bob notes the decision to ship on Friday');
    expect(await previewText(carol, 'agenda')).toContain('Alice adds a topic about the release');
    await waitFor(async () => (await carol.locator('attendee-list li.attendee').count()) === 3, 'three attendees');
  });

  it("an attendee who leaves disappears from the others' list and editors", async () => {
    const alice = contexts[0].pages()[0];
    await contexts[1].close();
    await waitFor(async () => (await alice.locator('attendee-list li.attendee', { hasText: 'Bob' }).count()) === 0, 'Bob to leave the list');
    await waitFor(async () => (await alice.locator('.cm-ySelectionInfo', { hasText: 'Bob' }).count()) === 0, "Bob's cursor to go");
    expect(await alice.locator('attendee-list li.attendee').count()).toBe(2);
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
