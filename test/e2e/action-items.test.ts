/**
 * The action items panel in Chromium: one person ticks an item while another types on the line
 * above it, and both end with the other's text plus exactly one changed character; the preview's
 * checkboxes tick too; a view link sees the panel with disabled checkboxes.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { artifactsDir, editorText, launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

const PAGE = `# Weekly sync 2025-03-10

**Date:** 2025-03-10

## Agenda

1. Release 1.4 (Ana) 10 min
2. Offsite (Bo?) 15 min

# Notes

## Release 1.4

- Tests are green on main.
- [ ] Tag the release @ana due 2025-03-14
- [ ] Write the changelog @bo due 2025-03-12
- [x] Freeze the branch @ana

## Offsite

- [ ] Book the room for the offsite @bo
- [ ] Ask who comes

## Decisions

- Ship on Friday.
- The offsite is in May.
`;

/** The panel's row of the item whose text contains `text`. */
const itemRow = (page: Page, text: string) => page.locator('action-items-panel li.item', { hasText: text });

describe('the action items panel', () => {
  let server: TestServer;
  let browser: Browser;
  let meeting: CreatedMeeting;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  const attendee = async (name: string, key: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    problems.push(await watchProblems(context));
    const page = await context.newPage();
    await openMeeting(page, `${server.url}/m/${meeting.id}#key=${key}`, name);
    await waitForStatus(page, 'live');
    await itemRow(page, 'Tag the release').waitFor();
    return page;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    meeting = await createMeeting(server.url, { markdown: PAGE });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the open and done items, filters them by assignee and shows the decisions', async () => {
    const page = await attendee('Ana', meeting.editKey);
    const panel = page.locator('action-items-panel');
    expect(await panel.locator('section.open li.item').count()).toBe(4);
    expect(await panel.locator('details.done li.item').count()).toBe(1);
    expect(await panel.locator('section.decisions li').allInnerTexts()).toEqual([expect.stringContaining('Ship on Friday.'), expect.stringContaining('The offsite is in May.')]);
    expect(await page.locator('side-panel button.tab[data-tab="items"] .badge').innerText()).toBe('4');

    await panel.locator('select#owner').selectOption({ label: '@bo (2)' });
    expect(await panel.locator('section.open li.item').allInnerTexts()).toEqual([expect.stringContaining('Write the changelog'), expect.stringContaining('Book the room')]);
    await panel.locator('select#owner').selectOption({ label: 'Unassigned (1)' });
    expect(await panel.locator('section.open li.item').allInnerTexts()).toEqual([expect.stringContaining('Ask who comes')]);
    await panel.locator('select#owner').selectOption({ label: 'Everyone (5)' });

    // Clicking an item puts the notes editor's cursor on its line.
    await itemRow(page, 'Book the room').locator('.text').click();
    await waitFor(
      () => page.locator('meeting-section.notes .cm-activeLine').evaluate((line) => (line.textContent ?? '').includes('Book the room for the offsite')),
      'the editor on the item line',
    );
    await waitForStatus(page, 'live', 'saved');
    const dir = await artifactsDir();
    await page.screenshot({ path: join(dir, 'action-items.png') });
    await copyFile(join(dir, 'action-items.png'), join(DOCS, 'screenshot-action-items.png'));
  });

  it('A ticks an item while B types on the line above it: both converge, one character changed', async () => {
    const [a, b] = [contexts[0].pages()[0], await attendee('Bo', meeting.editKey)];
    const before = await editorText(b, 'notes');
    const typed = ' (and B writes more while A ticks the item below)';
    await b.locator('meeting-section.notes .cm-line', { hasText: 'Tests are green on main.' }).click();
    await b.keyboard.press('End');
    const typing = b.keyboard.type(typed, { delay: 30 });
    // A ticks once B's first characters have reached A, while B goes on typing.
    await waitFor(async () => (await editorText(a, 'notes')).includes(' (and B'), "B's typing at A");
    await itemRow(a, 'Tag the release').locator('input[type="checkbox"]').click();
    await typing;

    const expected = before.replace('Tests are green on main.', `Tests are green on main.${typed}`).replace('- [ ] Tag the release', '- [x] Tag the release');
    await waitFor(async () => (await editorText(a, 'notes')) === expected && (await editorText(b, 'notes')) === expected, 'both pages to converge').catch(async (error: Error) => {
      throw new Error(`${error.message}\nexpected:\n${expected}\nA:\n${await editorText(a, 'notes')}\nB:\n${await editorText(b, 'notes')}`);
    });
    // Exactly one character differs from what B typed over the text B started from.
    const bTyped = before.replace('Tests are green on main.', `Tests are green on main.${typed}`);
    const changed = [...expected].flatMap((char, i) => (char === bTyped[i] ? [] : [i]));
    expect(expected.length).toBe(bTyped.length);
    expect(changed).toEqual([bTyped.indexOf('- [ ] Tag the release') + 3]);
    await waitFor(async () => (await itemRow(b, 'Tag the release').locator('input').isChecked()) && (await b.locator('details.done li.item').count()) === 2, "the tick in B's panel");
    await waitForStatus(a, 'live', 'saved');
  });

  it('a tick made before the panel saw the latest text still lands on the item that was clicked', async () => {
    const a = contexts[0].pages()[0];
    const before = await editorText(a, 'notes');
    // In one task: text arrives above the item (as from a fast typist) and the person clicks, before the next frame re-parses.
    const result = await a.evaluate(() => {
      const page = document.querySelector('meetpad-app')!.shadowRoot!.querySelector('meeting-page')!.shadowRoot!;
      const ytext = (page.querySelector('meeting-section.notes') as unknown as { ytext: { insert(i: number, s: string): void; toString(): string } }).ytext;
      const panel = page.querySelector('meeting-side')!.shadowRoot!.querySelector('action-items-panel')!.shadowRoot!;
      const box = Array.from(panel.querySelectorAll('li.item')).find((li) => li.textContent!.includes('Write the changelog'))!.querySelector('input')!;
      ytext.insert(ytext.toString().indexOf('Tests are green'), 'Typed above: ');
      box.click();
      return ytext.toString();
    });
    expect(result).toBe(before.replace('- Tests are green', '- Typed above: Tests are green').replace('- [ ] Write the changelog', '- [x] Write the changelog'));
    const b = contexts[1].pages()[0];
    await waitFor(async () => (await editorText(b, 'notes')) === result, 'B to have the same text');
  });

  it("ticks from the preview's checkboxes", async () => {
    const b = contexts[1].pages()[0];
    const box = b.locator('meeting-section.notes .preview li.task-item', { hasText: 'Ask who comes' }).locator('input.task');
    expect(await box.isDisabled()).toBe(false);
    await box.click();
    await waitFor(async () => (await editorText(b, 'notes')).includes('- [x] Ask who comes'), 'the tick in the text');
    await waitFor(() => itemRow(contexts[0].pages()[0], 'Ask who comes').locator('input').isChecked(), "the tick in A's panel");
    await waitForStatus(b, 'live', 'saved');

  });

  it('two people ticking the same item at once end with one tick', async () => {
    const [a, b] = [contexts[0].pages()[0], contexts[1].pages()[0]];
    const before = await editorText(b, 'notes');
    // A ticks while offline, B ticks online: neither sees the other's tick until A is back.
    await contexts[0].setOffline(true);
    await waitFor(async () => (await a.locator('status-indicator').getAttribute('connection')) === 'offline', 'A offline');
    await itemRow(a, 'Book the room').locator('input[type="checkbox"]').click();
    await itemRow(b, 'Book the room').locator('input[type="checkbox"]').click();
    await waitFor(async () => (await editorText(a, 'notes')).includes('- [x] Book the room'), "A's own tick");
    await waitForStatus(b, 'live', 'saved');
    await contexts[0].setOffline(false);

    const expected = before.replace('- [ ] Book the room', '- [x] Book the room');
    await waitFor(async () => (await editorText(a, 'notes')) === expected && (await editorText(b, 'notes')) === expected, 'one tick on both pages');
    await waitForStatus(a, 'live', 'saved');
    await waitForStatus(b, 'live', 'saved');
    expect(await editorText(a, 'notes')).toBe(expected);
  });

  it('a view link shows the panel but its checkboxes are disabled', async () => {
    const viewer = await attendee('Viewer', meeting.viewKey);
    const boxes = viewer.locator('action-items-panel li.item input[type="checkbox"]');
    expect(await boxes.count()).toBe(5);
    for (const box of await boxes.all()) expect(await box.isDisabled()).toBe(true);
    expect(await viewer.locator('action-items-panel .ro').innerText()).toContain('View only');
    const before = await editorText(contexts[0].pages()[0], 'notes');
    await boxes.first().click({ force: true });
    const previewBoxes = viewer.locator('meeting-section.notes .preview input.task');
    for (const box of await previewBoxes.all()) expect(await box.isDisabled()).toBe(true);
    await previewBoxes.first().click({ force: true });
    expect(await editorText(contexts[0].pages()[0], 'notes')).toBe(before);
    expect(await viewer.locator('status-indicator').getAttribute('connection')).toBe('live');
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
