/**
 * Ticking an action item through a Yjs anchor (client/lib/text-anchors.ts), on real Y.Docs that
 * exchange updates: the tick lands on the item the person saw while someone else types above it,
 * changes one character, and never touches text that is no longer a checkbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseMeeting } from '../../shared/meeting-parser.js';
import { anchorsAt, resolveAnchor, setCheckbox, undoubleCheckbox, writtenAt } from '../../client/lib/text-anchors.js';

const NOTES = '# Notes\n\n## Release\n\n- Context line\n- [ ] Tag the release @ana\n- [x] Write the changelog @bo\n';

const docs: Y.Doc[] = [];
afterEach(() => docs.splice(0).forEach((doc) => doc.destroy()));

/** Two docs that deliver every update to each other at once, like two synced browsers. */
const pair = (text: string): [Y.Doc, Y.Doc] => {
  const a = new Y.Doc();
  const b = new Y.Doc();
  docs.push(a, b);
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, update, 'remote'));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, update, 'remote'));
  a.getText('notes').insert(0, text);
  return [a, b];
};

/** The offset of the `[` of the item whose text starts with `start`, as the page parses it. */
const bracketOf = (text: string, start: string): number => {
  const item = parseMeeting({ agenda: '', notes: text }).actionItems.find((i) => i.text.startsWith(start));
  if (!item) throw new Error(`no item ${start}`);
  return item.checkOffset - 1;
};

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('anchored checkbox edits', () => {
  it('a tick lands on the item that was parsed while another person types above it, as one character', () => {
    const [a, b] = pair(NOTES);
    const aText = a.getText('notes');
    const bText = b.getText('notes');
    // A parses and anchors; then B types on the line above before A clicks.
    const stale = bracketOf(aText.toString(), 'Tag the release');
    const [anchor] = anchorsAt(aText, [stale]);
    const typed = ' that B keeps extending';
    bText.insert(bText.toString().indexOf('Context line') + 'Context line'.length, typed);
    const bSaw = bText.toString();

    const index = resolveAnchor(anchor, aText);
    expect(index).toBe(stale + typed.length);
    expect(setCheckbox(aText, index!, true)).toBe('toggled');

    expect(aText.toString()).toBe(bText.toString());
    const after = bText.toString();
    expect(after.length).toBe(bSaw.length);
    const changed = [...after].flatMap((char, i) => (char === bSaw[i] ? [] : [i]));
    expect(changed).toEqual([bSaw.indexOf('[ ] Tag') + 1]);
    expect(after).toContain('- [x] Tag the release @ana');
  });

  it('the offset of the last parse alone would miss: nothing is changed where there is no checkbox', () => {
    const [a, b] = pair(NOTES);
    const stale = bracketOf(a.getText('notes').toString(), 'Tag the release');
    b.getText('notes').insert(0, 'typed above ');
    const before = a.getText('notes').toString();
    expect(setCheckbox(a.getText('notes'), stale, true)).toBe('moved');
    expect(a.getText('notes').toString()).toBe(before);
  });

  it('an item already in the asked state is left alone, and unticking writes a space', () => {
    const [a] = pair(NOTES);
    const text = a.getText('notes');
    const done = bracketOf(text.toString(), 'Write the changelog');
    expect(setCheckbox(text, done, true)).toBe('unchanged');
    expect(setCheckbox(text, done, false)).toBe('toggled');
    expect(text.toString()).toContain('- [ ] Write the changelog @bo');
  });

  it('an anchor on the bracket survives someone else ticking the same item first', () => {
    const [a, b] = pair(NOTES);
    const aText = a.getText('notes');
    const [anchor] = anchorsAt(aText, [bracketOf(aText.toString(), 'Tag the release')]);
    const bText = b.getText('notes');
    expect(setCheckbox(bText, bracketOf(bText.toString(), 'Tag the release'), true)).toBe('toggled');
    const index = resolveAnchor(anchor, aText);
    expect(setCheckbox(aText, index!, true)).toBe('unchanged');
    expect(setCheckbox(aText, index!, false)).toBe('toggled');
    expect(bText.toString()).toBe(NOTES);
  });

  it('two people ticking the same item at once end with one tick, not a doubled box', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    docs.push(a, b);
    a.getText('notes').insert(0, NOTES);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // Both tick before either hears of the other.
    const marks = [a, b].map((doc) => {
      const text = doc.getText('notes');
      const bracket = bracketOf(text.toString(), 'Tag the release');
      expect(setCheckbox(text, bracket, true)).toBe('toggled');
      return writtenAt(text, bracket + 1);
    });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('notes').toString()).toContain('- [xx] Tag the release');

    // Each page repairs with the character it wrote: exactly one of them removes its own.
    const results = [a, b].map((doc, i) => undoubleCheckbox(doc.getText('notes'), marks[i]));
    expect(results.sort()).toEqual(['removed', 'watch']);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const expected = NOTES.replace('- [ ] Tag the release', '- [x] Tag the release');
    expect(a.getText('notes').toString()).toBe(expected);
    expect(b.getText('notes').toString()).toBe(expected);
    // Repairing again changes nothing; the removed character is no longer watched.
    expect([a, b].map((doc, i) => undoubleCheckbox(doc.getText('notes'), marks[i])).sort()).toEqual(['gone', 'watch']);
    expect(a.getText('notes').toString()).toBe(expected);
  });

  it('anchors taken in one walk are the ones Yjs makes one at a time, on text edited by several clients', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const next = random(seed);
      const peers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      docs.push(...peers);
      for (let step = 0; step < 300; step++) {
        const text = peers[Math.floor(next() * peers.length)].getText('t');
        const at = Math.floor(next() * (text.length + 1));
        if (next() < 0.3 && text.length > 0) text.delete(Math.min(at, text.length - 1), 1 + Math.floor(next() * 3));
        else text.insert(at, 'abcdefgh'.slice(0, 1 + Math.floor(next() * 8)));
        if (next() < 0.2) for (const other of peers) Y.applyUpdate(other, Y.encodeStateAsUpdate(text.doc!));
      }
      for (const p of peers) for (const q of peers) Y.applyUpdate(q, Y.encodeStateAsUpdate(p));
      const text = peers[0].getText('t');
      const offsets = Array.from({ length: 40 }, () => Math.floor(next() * (text.length + 2)));
      const anchors = anchorsAt(text, offsets);
      offsets.forEach((offset, i) => {
        const expected = Y.createRelativePositionFromTypeIndex(text, offset);
        expect(Y.compareRelativePositions(anchors[i], expected), `seed ${seed}, offset ${offset}`).toBe(true);
        expect(resolveAnchor(anchors[i], text), `seed ${seed}, offset ${offset}`).toBe(Math.min(offset, text.length));
      });
    }
  });
});
