/**
 * The changes between two revisions of one section, as spans (pure Yjs over a replay document):
 * the section's items are walked in document order and split, per character range, wherever the
 * two snapshots (state vector, deletions) or the authorship change. Text visible in both revisions
 * is `equal`, only in `to` an `insert`, only in `from` a `delete`; adjacent spans with the same op
 * and author are one.
 */
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import type { AuthorMap } from '../../shared/author-map.js';

type Range = { clock: number; len: number };

// Index of the first range ending after `clock` (ranges sorted and disjoint, as in a snapshot).
const firstEndingAfter = (ranges: readonly Range[], clock: number): number => {
  let [low, high] = [0, ranges.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ranges[mid]!.clock + ranges[mid]!.len > clock) high = mid;
    else low = mid + 1;
  }
  return low;
};

// Adds to `cuts` where `snapshot` changes between visible and not within [from, to) of `client`.
const addSnapshotCuts = (cuts: number[], snapshot: Y.Snapshot, client: number, from: number, to: number): void => {
  const known = snapshot.sv.get(client) ?? 0;
  if (known > from && known < to) cuts.push(known);
  const ranges = (snapshot.ds.clients as Map<number, Range[]>).get(client);
  if (!ranges) return;
  for (let i = firstEndingAfter(ranges, from); i < ranges.length && ranges[i]!.clock < to; i++) {
    const { clock, len } = ranges[i]!;
    if (clock > from) cuts.push(clock);
    if (clock + len < to) cuts.push(clock + len);
  }
};

const visibleIn = (snapshot: Y.Snapshot, id: Y.ID): boolean => id.clock < (snapshot.sv.get(id.client) ?? 0) && !Y.isDeleted(snapshot.ds, id);

/** The spans of `text` from snapshot `a` to snapshot `b`. */
export const spansBetween = (text: Y.Text, a: Y.Snapshot, b: Y.Snapshot, authors: Pick<AuthorMap, 'segments'> | null): ChangeSpan[] => {
  const spans: ChangeSpan[] = [];
  const push = (op: ChangeSpan['op'], value: string, author: string | null): void => {
    const last = spans[spans.length - 1];
    if (last && last.op === op && last.author === author) last.text += value;
    else spans.push({ op, text: value, author });
  };
  for (let item = text._start; item; item = item.right) {
    // What an export shows of a Y.Text: its strings (formats and embeds are not Markdown).
    if (!(item.content instanceof Y.ContentString)) continue;
    const { client, clock } = item.id;
    const end = clock + item.length;
    const str = item.content.str;
    const cuts = [clock, end];
    addSnapshotCuts(cuts, a, client, clock, end);
    addSnapshotCuts(cuts, b, client, clock, end);
    const segments = authors?.segments(client, clock, item.length) ?? [{ len: item.length, author: null }];
    let at = clock;
    for (const { len } of segments) cuts.push((at += len));
    const points = [...new Set(cuts)].sort((x, y) => x - y);
    let segment = 0;
    let segmentEnd = clock + (segments[0]?.len ?? item.length);
    for (let i = 0; i + 1 < points.length; i++) {
      const [from, to] = [points[i]!, points[i + 1]!];
      if (from >= end) break;
      while (from >= segmentEnd && segment + 1 < segments.length) segmentEnd += segments[++segment]!.len;
      const id = Y.createID(client, from);
      const [inA, inB] = [visibleIn(a, id), visibleIn(b, id)];
      if (!inA && !inB) continue;
      push(inA && inB ? 'equal' : inB ? 'insert' : 'delete', str.slice(from - clock, to - clock), segments[segment]?.author ?? null);
    }
  }
  return spans;
};
