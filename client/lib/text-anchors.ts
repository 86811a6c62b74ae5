/**
 * Anchors in a Y.Text: Yjs relative positions for many offsets at once, and the one-character
 * checkbox edit of an action item made through such an anchor (GUIDE 1.6: ticking is an ordinary
 * collaborative edit, and it must land on the item the person saw while others type above it).
 */
import * as Y from 'yjs';

/**
 * Relative positions (each associated with the character at its offset) for many offsets, in one
 * walk over the text's items: `createRelativePositionFromTypeIndex` walks from the start for every
 * call, which on a long page with many items costs a frame.
 */
export const anchorsAt = (ytext: Y.Text, offsets: readonly number[]): Y.RelativePosition[] => {
  // The type part of every anchor (and the anchor for an offset at or past the end).
  const end = Y.createRelativePositionFromTypeIndex(ytext, Number.MAX_SAFE_INTEGER);
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
  const anchors: Y.RelativePosition[] = offsets.map(() => end);
  let node = ytext._start;
  let base = 0;
  let next = 0;
  while (node !== null && next < order.length) {
    if (!node.deleted && node.countable) {
      for (; next < order.length && offsets[order[next]] < base + node.length; next++) {
        const offset = Math.max(offsets[order[next]], base);
        anchors[order[next]] = new Y.RelativePosition(end.type, end.tname, Y.createID(node.id.client, node.id.clock + offset - base), 0);
      }
      base += node.length;
    }
    node = node.right;
  }
  return anchors;
};

/** Where an anchor is now in `ytext`, or null if it no longer points into it. */
export const resolveAnchor = (anchor: Y.RelativePosition, ytext: Y.Text): number | null => {
  if (!ytext.doc) return null;
  const absolute = Y.createAbsolutePositionFromRelativePosition(anchor, ytext.doc);
  return absolute && absolute.type === ytext ? absolute.index : null;
};

/** What a checkbox edit did. */
export type CheckboxResult = 'toggled' | 'unchanged' | 'moved';

const STATE = /^[ xX]$/;

/**
 * Sets the checkbox whose `[` is at `index` of `ytext` to `done`: the state character after it
 * deleted and one inserted in its place, in one transaction. `unchanged` if it already is in that
 * state, `moved` if `index` no longer holds `[ ]`, `[x]` or `[X]` (nothing is changed).
 */
export const setCheckbox = (ytext: Y.Text, index: number, done: boolean): CheckboxResult => {
  // Three characters are enough to re-verify; toString of a long page costs more than the slice.
  const box = sliceOf(ytext, index, 3);
  if (box.length !== 3 || box[0] !== '[' || box[2] !== ']' || !STATE.test(box[1])) return 'moved';
  if ((box[1] !== ' ') === done) return 'unchanged';
  const apply = (): void => {
    ytext.delete(index + 1, 1);
    ytext.insert(index + 1, done ? 'x' : ' ');
  };
  if (ytext.doc) ytext.doc.transact(apply);
  else apply();
  return 'toggled';
};

/** An anchor on the state character a tick wrote (at `index`), to find it again: see `undoubleCheckbox`. */
export const writtenAt = (ytext: Y.Text, index: number): Y.RelativePosition => Y.createRelativePositionFromTypeIndex(ytext, index);

/**
 * Two people ticking the same item at once both delete the one state character and both insert
 * one, so both inserts survive: `[xx]`, which is no checkbox at all. Given the anchor of the
 * character this client wrote, this deletes it when it is not the first of such a doubled box
 * (every client sees the same order, so exactly the first one stays, whoever repairs first).
 * `watch` while it is a good checkbox or the first of a doubled one, `removed`, or `gone` when the
 * character no longer exists (nothing left to watch).
 */
export const undoubleCheckbox = (ytext: Y.Text, written: Y.RelativePosition): 'watch' | 'removed' | 'gone' => {
  const doc = ytext.doc;
  if (!doc || !written.item) return 'gone';
  const struct = Y.getItem(doc.store, written.item);
  if (struct.deleted) return 'gone';
  const index = resolveAnchor(written, ytext);
  if (index === null) return 'gone';
  // A doubled box is short: a few concurrent ticks at most.
  const reach = 4;
  const from = Math.max(index - reach, 0);
  const around = sliceOf(ytext, from, 2 * reach + 1);
  const at = index - from;
  let left = at - 1;
  while (left >= 0 && STATE.test(around[left])) left--;
  let right = at + 1;
  while (right < around.length && STATE.test(around[right])) right++;
  const doubled = around[left] === '[' && around[right] === ']' && right - left - 1 >= 2;
  if (!doubled || left === at - 1) return 'watch';
  doc.transact(() => ytext.delete(index, 1));
  return 'removed';
};

/** `length` characters of a Y.Text from `from`, read from its items without building the whole string. */
const sliceOf = (ytext: Y.Text, from: number, length: number): string => {
  if (from < 0) return '';
  let out = '';
  let node = ytext._start;
  let base = 0;
  while (node !== null && out.length < length) {
    if (!node.deleted && node.countable) {
      const end = base + node.length;
      if (end > from) {
        // An embed counts as characters that are not text.
        const text = node.content instanceof Y.ContentString ? node.content.str : '\uFFFC'.repeat(node.length);
        out += text.slice(Math.max(from - base, 0), Math.max(from - base, 0) + length - out.length);
      }
      base = end;
    }
    node = node.right;
  }
  return out;
};
