/**
 * The history view in Chromium: revisions with names and authors, the slider showing the meeting
 * as it was, the changes between two revisions in the authors' colours, a view link that browses
 * but cannot restore, and a restore in one page while another keeps typing.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Revision } from '../../shared/api-types.js';
import { splitMarkdown } from '../../shared/markdown.js';
import { authorColor } from '../../client/lib/author-color.js';
import { createMeeting, waitFor, type CreatedMeeting } from '../helpers/server.js';
import { artifactsDir, editorText, typeAtEnd, waitForStatus, useBrowserSuite } from './browser.js';

const AGENDA = '# Weekly sync\n\n1. Release plan\n';
const NOTES = '# Notes\n\n- Started on time\n';

describe('the history of a meeting', () => {
  const suite = useBrowserSuite();
  const { attendee, problems } = suite;

  const api = async (meeting: CreatedMeeting, path: string, init: RequestInit = {}, key = meeting.editKey): Promise<Response> =>
    fetch(`${suite.server.url}/api/meetings/${meeting.id}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });

  const nameVersion = async (meeting: CreatedMeeting, name: string): Promise<Revision> => {
    const response = await api(meeting, '/revisions', { method: 'POST', body: JSON.stringify({ name }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { revision: Revision }).revision;
  };

  const revisions = async (meeting: CreatedMeeting): Promise<Revision[]> => {
    const response = await api(meeting, '/revisions');
    expect(response.status).toBe(200);
    return ((await response.json()) as { revisions: Revision[] }).revisions;
  };

  const exportOf = async (meeting: CreatedMeeting, rev: number): Promise<string> => {
    const response = await api(meeting, `/revisions/${rev}/export.md`);
    expect(response.status).toBe(200);
    return response.text();
  };

  const openHistory = async (page: Page): Promise<Locator> => {
    await page.locator('history-button button.history').click();
    const dialog = page.locator('history-view dialog');
    await dialog.waitFor({ state: 'visible' });
    return dialog;
  };

  /** Waits until the view shows revision `rev` (text tab) and answers its source text. */
  const shownSource = async (dialog: Locator, rev: number): Promise<string> => {
    const content = dialog.locator(`.content[data-tab="text"][data-rev="${rev}"][aria-busy="false"]`);
    await content.waitFor();
    return content.locator('pre.source').evaluate((pre) => pre.textContent ?? '');
  };

  it('lists revisions with names and authors, scrubs back to old text and shows the changes between two', async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: AGENDA + NOTES });
    const link = `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const alice = await attendee(link, 'Alice');
    await typeAtEnd(alice, 'notes', '- Alice: ship on Friday');
    await waitForStatus(alice, 'live', 'saved');
    const then = (await editorText(alice, 'agenda')) + (await editorText(alice, 'notes'));
    const first = await nameVersion(meeting, 'Before review');

    const bob = await attendee(link, 'Bob');
    // Bob replaces "Friday" by "Monday" and adds an item (Enter continues the list).
    await bob.locator('meeting-section.notes .cm-content').click();
    await bob.keyboard.press('Control+End');
    for (let i = 0; i < 'Friday'.length; i++) await bob.keyboard.press('Backspace');
    await bob.keyboard.type('Monday');
    await bob.keyboard.press('Enter');
    await bob.keyboard.type('Bob: tests are green');
    await waitForStatus(bob, 'live', 'saved');
    const second = await nameVersion(meeting, 'Final');
    expect(second.id).toBeGreaterThan(first.id);

    const dialog = await openHistory(alice);
    const items = dialog.locator('button.rev');
    await waitFor(async () => (await items.count()) >= 2, 'the revisions in the list');
    // Newest first, with names and author chips in each author's colour.
    const titles = await items.locator('.rev-title').allInnerTexts();
    expect(titles.slice(0, 2)).toEqual(['Final', 'Before review']);
    const finalItem = dialog.locator(`button.rev[data-rev="${second.id}"]`);
    const reviewItem = dialog.locator(`button.rev[data-rev="${first.id}"]`);
    expect(await finalItem.locator('.chip').allInnerTexts()).toEqual(['Bob']);
    expect(await reviewItem.locator('.chip').allInnerTexts()).toEqual(['Alice']);
    expect(await finalItem.locator('.chip').getAttribute('style')).toContain(authorColor('Bob'));
    expect(await finalItem.getAttribute('aria-current')).toBe('true');

    // The newest is shown, rendered like the preview.
    const rendered = dialog.locator(`.content[data-rev="${second.id}"] article.rendered`);
    await rendered.waitFor();
    expect(await rendered.innerText()).toContain('Bob: tests are green');
    await dialog.locator('input.source-toggle').check();
    expect(await shownSource(dialog, second.id)).toBe(await exportOf(meeting, second.id));

    // Scrub back with the keyboard until "Before review": its text, without Bob's edits.
    const slider = dialog.locator('input.slider');
    await slider.focus();
    const chron = (await revisions(meeting)).reverse();
    const index = chron.findIndex((r) => r.id === first.id);
    for (let i = chron.length - 1; i > index; i--) await alice.keyboard.press('ArrowLeft');
    const old = await shownSource(dialog, first.id);
    expect(old).toBe(then);
    expect(old).toContain('- Alice: ship on Friday');
    expect(await reviewItem.getAttribute('aria-current')).toBe('true');
    expect(await dialog.locator('output.position').innerText()).toContain('Before review');

    // Changes of "Final" against "Before review": Bob's insertions marked, Alice's "Friday" struck.
    await finalItem.click();
    await dialog.locator('button.tab-changes').click();
    await dialog.locator('select.compare-with').selectOption(String(first.id));
    const changes = dialog.locator(`.content[data-tab="changes"][data-from="${first.id}"][data-to="${second.id}"][aria-busy="false"]`);
    await changes.waitFor();
    const notes = changes.locator('[data-section="notes"]');
    const inserted = await notes.locator('ins').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('data-author')]));
    const deleted = await notes.locator('del').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('data-author')]));
    expect(inserted.map(([text]) => text).join('')).toBe('Monday\n- Bob: tests are green');
    expect(new Set(inserted.map(([, who]) => who))).toEqual(new Set(['Bob']));
    expect(deleted).toEqual([['Friday', 'Alice']]);
    expect(await notes.locator('ins').first().getAttribute('style')).toContain(authorColor('Bob'));
    expect(await changes.locator('[data-section="agenda"] h3').innerText()).toContain('unchanged');
    expect(await changes.locator('.legend .chip').allInnerTexts()).toEqual(expect.arrayContaining(['Bob', 'Alice']));
    // The default comparison is the previous revision.
    await dialog.locator('select.compare-with').selectOption('previous');
    const previous = chron[chron.findIndex((r) => r.id === second.id) - 1];
    await dialog.locator(`.content[data-tab="changes"][data-from="${previous.id}"][data-to="${second.id}"][aria-busy="false"]`).waitFor();

    const dir = await artifactsDir();
    await dialog.locator('select.compare-with').selectOption(String(first.id));
    await changes.waitFor();
    await alice.screenshot({ path: join(dir, 'history-changes.png') });
    await dialog.locator('button.tab-text').click();
    await dialog.locator('input.source-toggle').uncheck();
    await reviewItem.click();
    await dialog.locator(`.content[data-rev="${first.id}"] article.rendered`).waitFor();
    await alice.screenshot({ path: join(dir, 'history-view.png') });

    // Naming the current version from the view: it becomes the newest, shown and selected.
    await dialog.locator('history-actions button.name-version').click();
    await dialog.locator('history-actions input[name="version-name"]').fill('  Checked by Alice ');
    await dialog.locator('history-actions button[type="submit"]').click();
    await dialog.locator('history-actions .done').waitFor();
    await waitFor(async () => (await items.first().locator('.rev-title').innerText()) === 'Checked by Alice', 'the named version on top');
    expect(await items.first().getAttribute('aria-current')).toBe('true');
    const named = (await revisions(meeting))[0];
    expect(named).toMatchObject({ name: 'Checked by Alice', kind: 'named' });

    // The message is about that naming: closed and opened again, the view no longer says it.
    const done = dialog.locator('history-actions .done');
    await dialog.locator('button.close').click();
    await dialog.waitFor({ state: 'hidden' });
    await openHistory(alice);
    await dialog.locator(`button.rev[data-rev="${named.id}"][aria-current="true"]`).waitFor();
    expect(await done.count()).toBe(0);
    // Named again: the message stays while the view shows the revision it made, and goes once it shows another.
    await dialog.locator('history-actions button.name-version').click();
    await dialog.locator('history-actions input[name="version-name"]').fill('Checked again');
    await dialog.locator('history-actions button[type="submit"]').click();
    await done.waitFor();
    await waitFor(async () => (await items.first().locator('.rev-title').innerText()) === 'Checked again', 'the second name on top');
    expect(await items.first().getAttribute('aria-current')).toBe('true');
    expect(await done.innerText()).toContain('Checked again');
    await slider.focus();
    await alice.keyboard.press('ArrowLeft');
    await dialog.locator(`button.rev[data-rev="${named.id}"][aria-current="true"]`).waitFor();
    await waitFor(async () => (await done.count()) === 0, 'the message to go with another revision shown');
  });

  it('a view link browses the history but cannot name or restore', async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: AGENDA + NOTES });
    const first = await nameVersion(meeting, 'Agreed agenda');
    const viewer = await attendee(`${suite.server.url}/m/${meeting.id}#key=${meeting.viewKey}`, 'Vera');
    const dialog = await openHistory(viewer);
    await dialog.locator(`button.rev[data-rev="${first.id}"]`).waitFor();
    await dialog.locator('input.source-toggle').check();
    expect(await shownSource(dialog, first.id)).toBe(AGENDA + NOTES);
    expect(await dialog.locator('history-actions').count()).toBe(0);
    expect(await dialog.locator('button', { hasText: 'Restore' }).count()).toBe(0);
    expect(await dialog.locator('.view-only').innerText()).toContain('need the edit link');
    // The server refuses it too, whatever the page shows.
    const refused = await api(meeting, `/revisions/${first.id}/restore`, { method: 'POST', headers: { 'content-type': '' } }, meeting.viewKey);
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
    expect((await revisions(meeting)).map((r) => r.id)).toEqual([first.id]);

    // A revision made elsewhere appears while the view is open, and is shown (the view was on the newest).
    const later = await nameVersion(meeting, 'Named by someone else');
    await dialog.locator(`button.rev[data-rev="${later.id}"][aria-current="true"]`).waitFor();
  });

  it('restores a revision in one page while another types: both converge on its text plus the typing, one restore revision', async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: AGENDA + NOTES });
    const link = `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const alice = await attendee(link, 'Alice');
    const bob = await attendee(link, 'Bob');
    await typeAtEnd(alice, 'notes', '- Decided: weekly releases\n');
    await waitForStatus(alice, 'live', 'saved');
    const kept = await nameVersion(meeting, 'Version one');
    const wanted = splitMarkdown(await exportOf(meeting, kept.id));

    // Afterwards the agenda is rewritten and the notes grow.
    await alice.locator('meeting-section.agenda .cm-content').click();
    await alice.keyboard.press('Control+a');
    await alice.keyboard.type('# Weekly sync\n\n1. Something else entirely\n');
    await typeAtEnd(alice, 'notes', '- A line that the restore removes\n');
    await waitForStatus(alice, 'live', 'saved');
    await waitFor(async () => (await editorText(bob, 'agenda')).includes('Something else'), "Alice's edits at Bob's");
    const before = await revisions(meeting);

    const dialog = await openHistory(alice);
    await dialog.locator(`button.rev[data-rev="${kept.id}"]`).click();
    await dialog.locator(`.content[data-rev="${kept.id}"][aria-busy="false"]`).waitFor();
    await dialog.locator('history-actions button.restore').click();
    const confirm = dialog.locator('history-actions .confirm');
    expect(await confirm.innerText()).toContain('Version one');

    // Bob types at the end of the notes all along; the restore lands in the middle of it. Alice's
    // page lets the POST reach the server, and holds the server's answer back until Bob typed more.
    let requested!: () => void;
    const onServer = new Promise<void>((resolve) => (requested = resolve));
    let serverAnswered = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await alice.route(`**/api/meetings/${meeting.id}/revisions/${kept.id}/restore`, async (route) => {
      requested();
      const response = await route.fetch();
      serverAnswered = true;
      await released;
      await route.fulfill({ response });
    });
    await bob.locator('meeting-section.notes .cm-content').click();
    await bob.keyboard.press('Control+End');
    // "<": typed and stored before the restore started, so the restore replaces it.
    await bob.keyboard.type('<<<<<');
    await waitFor(async () => (await editorText(alice, 'notes')).includes('<<<<<'), "Bob's first typing stored");
    await confirm.locator('button.confirm-restore').click();
    await onServer;
    // "~": typed while the server restores; each lands before or after the restore's edit.
    let during = 0;
    do {
      await bob.keyboard.type('~');
      during++;
    } while (!serverAnswered);
    // "=": typed after the server restored, before the page has the answer.
    await bob.keyboard.type('===');
    await waitFor(async () => (await editorText(alice, 'notes')).includes('==='), "Bob's typing after the restore stored");
    expect(await dialog.locator('history-actions .done').count()).toBe(0);
    release();
    await dialog.locator('history-actions .done').waitFor();
    await alice.unroute(`**/api/meetings/${meeting.id}/revisions/${kept.id}/restore`);
    // ">": typed after the answer.
    await bob.keyboard.type('>>>');
    await waitForStatus(bob, 'live', 'saved');

    const texts = async (page: Page) => ({ agenda: await editorText(page, 'agenda'), notes: await editorText(page, 'notes') });
    await waitFor(async () => {
      const [a, b] = [await texts(alice), await texts(bob)];
      return JSON.stringify(a) === JSON.stringify(b) && b.notes.includes('>>>');
    }, 'both pages to converge');
    const final = await texts(bob);
    expect(final.agenda).toBe(wanted.agenda);
    expect(final.notes.replace(/[<~=>]/g, '')).toBe(wanted.notes);
    // Bob's typing from the moment the restore landed on is kept, in order: none of what was stored
    // before it, some or none of what he typed meanwhile, all of what he typed after the server restored.
    const bobs = final.notes.replace(/[^<~=>]/g, '');
    expect(bobs).toMatch(/^~*===>>>$/);
    expect(bobs.length - 6).toBeLessThanOrEqual(during);
    const after = await revisions(meeting);
    const added = after.filter((r) => !before.some((b) => b.id === r.id));
    const restores = added.filter((r) => r.kind === 'restore');
    expect(restores).toHaveLength(1);
    expect(restores[0].restoredFrom).toBe(kept.id);
    expect(after.filter((r) => r.kind === 'restore')).toHaveLength(1);
    // The history view shows it, marked, as the newest.
    const restoreItem = dialog.locator(`button.rev[data-rev="${restores[0].id}"]`);
    await restoreItem.waitFor();
    expect(await restoreItem.locator('.restore-mark').innerText()).toContain('Version one');
    const dir = await artifactsDir();
    await alice.screenshot({ path: join(dir, 'history-restored.png') });
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
