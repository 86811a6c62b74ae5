/**
 * The changes tab in Chromium on a real-sized meeting: the unchanged agenda collapsed to its title,
 * the notes folded to two lines around each change with buttons that expand in place (keyboard
 * too), and one sentence when two revisions are the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Revision } from '../../shared/api-types.js';
import { splitMarkdown } from '../../shared/markdown.js';
import { authorColor } from '../../client/lib/author-color.js';
import { createMeeting, type CreatedMeeting } from '../helpers/server.js';
import { artifactsDir, waitForStatus, useBrowserSuite } from './browser.js';

const SEED = readFileSync(join(import.meta.dirname, '../fixtures/status-devs-meeting-1.md'), 'utf8');
const OLD_LINE = '- Cleaner logs in Kibana';
const NEW_LINE = '- Cleaner logs in Grafana, done';
const FOLLOW_UP = '- Follow-up: Bob sends the notes';

/** The index of the line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((line) => line.includes(needle));

describe('the changes between two revisions, folded', () => {
  const suite = useBrowserSuite();
  const { attendee, problems } = suite;

  const api = async (meeting: CreatedMeeting, path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${suite.server.url}/api/meetings/${meeting.id}${path}`, { ...init, headers: { authorization: `Bearer ${meeting.editKey}`, 'content-type': 'application/json' } });

  const nameVersion = async (meeting: CreatedMeeting, name: string): Promise<Revision> => {
    const response = await api(meeting, '/revisions', { method: 'POST', body: JSON.stringify({ name }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { revision: Revision }).revision;
  };

  /** Whether `locator`'s element has the focus within its shadow root. */
  const focused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);

  /** The text of the `pre`s in `locator`, without the elements `tag` (ins or del). */
  const textWithout = (locator: Locator, tag: 'ins' | 'del'): Promise<string> =>
    locator.evaluate((root, t) => {
      const pres = root.matches('pre') ? [root] : Array.from(root.querySelectorAll('pre'));
      return pres.map((pre) => {
        const copy = pre.cloneNode(true) as HTMLElement;
        copy.querySelectorAll(t).forEach((e) => e.remove());
        return copy.textContent ?? '';
      }).join('');
    }, tag);

  it('collapses the unchanged agenda, folds unchanged notes around each change and expands them in place', async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: SEED });
    const seed = splitMarkdown(SEED);
    const before = await nameVersion(meeting, 'Before review');
    const link = `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`;

    // Bob rewrites the end of a line near the top of the notes and adds a line at their end.
    const bob = await attendee(link, 'Bob');
    await bob.locator('meeting-section.notes .cm-line', { hasText: OLD_LINE }).click();
    await bob.keyboard.press('End');
    for (let i = 0; i < 'Kibana'.length; i++) await bob.keyboard.press('Backspace');
    await bob.keyboard.type(NEW_LINE.slice(OLD_LINE.length - 'Kibana'.length));
    // Enter continues the list of the last line: "- " comes with it.
    await bob.keyboard.press('Control+End');
    await bob.keyboard.press('Enter');
    await bob.keyboard.type(FOLLOW_UP.slice('- '.length));
    await waitForStatus(bob, 'live', 'saved');
    const after = await nameVersion(meeting, 'After review');
    const same = await nameVersion(meeting, 'Checked, nothing changed');
    expect(same.id).not.toBe(after.id);
    const exported = await api(meeting, `/revisions/${after.id}/export.md`);
    const wanted = splitMarkdown(await exported.text());
    expect(wanted.notes).toBe(seed.notes.replace(`${OLD_LINE}\n`, `${NEW_LINE}\n`) + `\n${FOLLOW_UP}`);

    const alice = await attendee(link, 'Alice');
    await alice.locator('history-button button.history').click();
    const dialog = alice.locator('history-view dialog');
    await dialog.locator(`button.rev[data-rev="${after.id}"]`).click();
    await dialog.locator('button.tab-changes').click();
    await dialog.locator('select.compare-with').selectOption(String(before.id));
    const changes = dialog.locator(`.content[data-tab="changes"][data-from="${before.id}"][data-to="${after.id}"][aria-busy="false"]`);
    await changes.waitFor();

    // The agenda did not change: only its title, a button that shows it.
    const agenda = changes.locator('[data-section="agenda"]');
    const toggle = agenda.locator('button.section-toggle');
    expect(await toggle.innerText()).toMatch(/Agenda: unchanged$/i);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await agenda.locator('pre').count()).toBe(0);

    // The notes: a fold, two lines of context, the change, two lines, a fold, two lines, the line that
    // got a line break at its end and the new line after it.
    const notes = changes.locator('[data-section="notes"]');
    const parts = notes.locator(':scope > pre, :scope > button.fold');
    const kibana = lineOf(wanted.notes, NEW_LINE);
    const followUp = lineOf(wanted.notes, FOLLOW_UP);
    const shape = await parts.evaluateAll((els) => els.map((e) => (e.tagName === 'BUTTON' ? e.textContent?.trim() : 'text')));
    expect(shape).toEqual([`… ${kibana - 2} unchanged lines …`, 'text', `… ${followUp - 3 - (kibana + 3)} unchanged lines …`, 'text']);
    // Around the first change: without what was deleted the new lines, without what was inserted the old ones.
    const around = (text: string, line: number): string => text.split('\n').slice(line - 2, line + 3).join('\n') + '\n';
    expect(await textWithout(notes.locator('pre').first(), 'del')).toBe(around(wanted.notes, kibana));
    expect(await textWithout(notes.locator('pre').first(), 'ins')).toBe(around(seed.notes, kibana));
    const inserted = await notes.locator('ins').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('data-author')]));
    expect(inserted.at(-1)).toEqual([`\n${FOLLOW_UP}`, 'Bob']);
    expect(new Set(inserted.map(([, who]) => who))).toEqual(new Set(['Bob']));
    expect(await notes.locator('ins').first().getAttribute('style')).toContain(authorColor('Bob'));
    // The seed's text has no known author: its deletions are "Unknown", in grey.
    const deleted = await notes.locator('del').evaluateAll((els) => els.map((e) => e.getAttribute('data-author')));
    expect(new Set(deleted)).toEqual(new Set(['Unknown']));
    expect(await changes.locator('.legend .chip').allInnerTexts()).toEqual(expect.arrayContaining(['Bob', 'Unknown']));
    await alice.screenshot({ path: join(await artifactsDir(), 'history-changes-folded.png') });

    // Enter on the first fold: its lines appear in its place and take the focus.
    const folds = notes.locator('button.fold');
    await folds.first().focus();
    await alice.keyboard.press('Enter');
    const unfolded = notes.locator('pre.unfolded');
    await unfolded.waitFor();
    expect(await unfolded.textContent()).toBe(wanted.notes.split('\n').slice(0, kibana - 2).join('\n') + '\n');
    expect(await focused(unfolded)).toBe(true);
    expect(await folds.count()).toBe(1);
    // Space on the other: the notes read whole, exactly the new text.
    await folds.first().focus();
    await alice.keyboard.press('Space');
    await notes.locator('pre.unfolded').nth(1).waitFor();
    expect(await folds.count()).toBe(0);
    expect(await textWithout(notes, 'del')).toBe(wanted.notes);
    expect(await textWithout(notes, 'ins')).toBe(seed.notes);

    // The agenda's title opens and closes it.
    await toggle.focus();
    await alice.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await agenda.locator('pre').textContent()).toBe(seed.agenda);
    await toggle.click();
    expect(await agenda.locator('pre').count()).toBe(0);

    // Another pair starts folded again: the next revision (same text) against the same one.
    await dialog.locator(`button.rev[data-rev="${same.id}"]`).click();
    const again = dialog.locator(`.content[data-tab="changes"][data-from="${before.id}"][data-to="${same.id}"][aria-busy="false"]`);
    await again.waitFor();
    expect(await again.locator('[data-section="notes"] button.fold').count()).toBe(2);
    expect(await again.locator('[data-section="agenda"] button.section-toggle').getAttribute('aria-expanded')).toBe('false');

    // Two revisions with the same text: one sentence, no legend, no sections.
    await dialog.locator('select.compare-with').selectOption(String(after.id));
    const none = dialog.locator(`.content[data-tab="changes"][data-from="${after.id}"][data-to="${same.id}"][aria-busy="false"]`);
    await none.waitFor();
    expect(await none.locator('.no-changes').innerText()).toBe('No changes: the agenda and the notes are the same in both revisions.');
    expect(await none.locator('.legend, [data-section]').count()).toBe(0);
    await alice.screenshot({ path: join(await artifactsDir(), 'history-changes-none.png') });
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
