/**
 * Author colours in Chromium: two people type under different names; with the colours on, each
 * span of the editors carries its author's colour and name (the server's attribution), the legend
 * lists them, and the choice survives a reload.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { authorColor } from '../../client/lib/author-color.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { artifactsDir, editorText, typeAtEnd, waitForStatus, useBrowserSuite } from './browser.js';

/** The text of each author's spans in a section, in document order. */
const spansOf = (page: Page, section: 'agenda' | 'notes'): Promise<Array<{ author: string; text: string; style: string }>> =>
  page.locator(`meeting-section.${section} .cm-content .cm-author`).evaluateAll((els) =>
    els.map((e) => ({ author: e.getAttribute('data-author') ?? '', text: e.textContent ?? '', style: getComputedStyle(e).boxShadow })),
  );

/** `#rrggbb` as the browser's computed styles write it. */
const rgb = (hex: string): string => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

const textBy = async (page: Page, section: 'agenda' | 'notes', author: string): Promise<string> =>
  (await spansOf(page, section)).filter((s) => s.author === author).map((s) => s.text).join('');

describe('author colours in the editor', () => {
  const suite = useBrowserSuite();
  const { problems } = suite;

  it("colours each span in its author's colour with the name, for everyone, remembered across a reload", async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: '# Planning\n\n# Notes\n\n' });
    const link = `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const attendee = (name: string): Promise<Page> => suite.attendee(link, name, { width: 1300, height: 850 });
    const alice = await attendee('Alice');
    const bob = await attendee('Bob');

    await typeAtEnd(alice, 'notes', 'Alice writes the first line.\n');
    await waitForStatus(alice, 'live', 'saved');
    await typeAtEnd(bob, 'notes', 'Bob adds a second one.\n');
    await typeAtEnd(bob, 'agenda', '\n1. Budget (Bob)\n');
    await waitForStatus(bob, 'live', 'saved');
    await typeAtEnd(alice, 'agenda', '2. Hiring (Alice)\n');
    await waitForStatus(alice, 'live', 'saved');

    // Off by default: no colours.
    expect(await alice.locator('button.author-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(await alice.locator('.cm-author').count()).toBe(0);

    for (const page of [alice, bob]) {
      await page.locator('button.author-toggle').click();
      expect(await page.locator('button.author-toggle').getAttribute('aria-pressed')).toBe('true');
      // Marks stop at line ends: a span's text has no line breaks.
      await waitFor(async () => (await textBy(page, 'notes', 'Alice')) === 'Alice writes the first line.', "Alice's notes coloured");
      await waitFor(async () => (await textBy(page, 'notes', 'Bob')).startsWith('Bob adds a second one.'), "Bob's notes coloured");
      await waitFor(async () => (await textBy(page, 'agenda', 'Bob')).includes('1. Budget (Bob)'), "Bob's agenda coloured");
      await waitFor(async () => (await textBy(page, 'agenda', 'Alice')).includes('2. Hiring (Alice)'), "Alice's agenda coloured");
      // The initial content has no known author and no colour.
      expect((await spansOf(page, 'agenda')).map((s) => s.text).join('')).not.toContain('Planning');
      for (const span of [...(await spansOf(page, 'notes')), ...(await spansOf(page, 'agenda'))]) {
        expect(['Alice', 'Bob']).toContain(span.author);
        expect(span.style).toContain(rgb(authorColor(span.author)));
      }
      // The name shows on hover, and the legend lists both.
      expect(await page.locator('meeting-section.notes .cm-author[data-author="Bob"]').first().getAttribute('title')).toBe('Bob');
      await waitFor(async () => (await page.locator('author-legend .who').allInnerTexts()).sort().join() === 'Alice,Bob', 'the legend');
    }
    expect(authorColor('Alice')).not.toBe(authorColor('Bob'));
    const dir = await artifactsDir();
    await alice.screenshot({ path: join(dir, 'author-colors.png') });

    // Remote typing arrives coloured after the map is refetched.
    await typeAtEnd(bob, 'notes', 'Bob again.');
    await waitFor(async () => (await textBy(alice, 'notes', 'Bob')).includes('Bob again.'), "Bob's new text coloured at Alice's");

    // Remembered: after a reload the colours are still on; switched off, they go.
    await alice.reload();
    await waitForStatus(alice, 'live');
    expect(await alice.locator('button.author-toggle').getAttribute('aria-pressed')).toBe('true');
    await waitFor(async () => (await textBy(alice, 'notes', 'Alice')).startsWith('Alice writes the first line.'), 'colours after the reload');
    await alice.locator('button.author-toggle').click();
    await waitFor(async () => (await alice.locator('.cm-author').count()) === 0, 'colours off');
    expect(await alice.locator('author-legend').count()).toBe(0);
  });

  it('text someone types without a pause is coloured within the longest wait, not only once they pause', async () => {
    const meeting = await createMeeting(suite.server.url, { markdown: '# Planning\n\n# Notes\n\n' });
    const link = `${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`;
    const alice = await suite.attendee(link, 'Alice');
    const bob = await suite.attendee(link, 'Bob');
    await alice.locator('button.author-toggle').click();
    await typeAtEnd(bob, 'notes', 'Bob');
    await waitFor(async () => (await textBy(alice, 'notes', 'Bob')) === 'Bob', "Bob's first word coloured at Alice's");

    // Alice's timers run only when the test says. Bob types a letter every 600 ms of her time, less
    // than the 1 s refetch wait: each letter restarts it, and the longest wait (3 s after the first
    // letter) is what colours them.
    await alice.clock.install();
    await alice.clock.pauseAt(Date.now() + 1000);
    const letters = 'abcdef';
    for (let i = 0; i < letters.length; i++) {
      await bob.keyboard.type(letters[i]!);
      await waitFor(async () => (await editorText(alice, 'notes')).endsWith(`Bob${letters.slice(0, i + 1)}`), `letter ${i + 1} at Alice's`);
      await alice.clock.runFor(600);
    }
    // The refetch at 3 s came after the fifth letter had arrived (the server attributes before it sends).
    await waitFor(async () => (await textBy(alice, 'notes', 'Bob')).includes('Bobabcde'), "Bob's letters coloured while he types");
    await alice.clock.resume();
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
