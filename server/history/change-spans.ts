/**
 * The changes between two revisions of one section, as spans (pure Yjs over a replay document):
 * the section's items are walked in document order and split, per character range, wherever the
 * two snapshots (state vector, deletions) or the authorship change. Text visible in both revisions
 * is `equal`, only in `to` an `insert`, only in `from` a `delete`. Text can be in both revisions
 * as different items (a restore re-inserts it, someone retypes a word's last letters): of each run
 * of deletions and insertions, the start and end the deleted and the inserted text have in common
 * are `equal` too, with the inserted text's authors. Adjacent spans with the same op and author
 * are one.
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

/** Appends a span to `spans`, into the last one when op and author are the same. */
const pushSpan = (spans: ChangeSpan[], op: ChangeSpan['op'], text: string, author: string | null): void => {
  const last = spans[spans.length - 1];
  if (last && last.op === op && last.author === author) last.text += text;
  else spans.push({ op, text, author });
};

type Edit = 'insert' | 'delete';

// The parts of a run's spans that lie within `bounds[op]` of the joined text of their op, in order.
const within = (run: readonly ChangeSpan[], bounds: Record<Edit, [number, number]>): ChangeSpan[] => {
  const at: Record<Edit, number> = { insert: 0, delete: 0 };
  const parts: ChangeSpan[] = [];
  for (const span of run) {
    const op = span.op as Edit;
    const start = at[op];
    at[op] += span.text.length;
    const [from, to] = [Math.max(bounds[op][0], start), Math.min(bounds[op][1], at[op])];
    if (from < to) parts.push({ ...span, text: span.text.slice(from - start, to - start) });
  }
  return parts;
};

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

// One run of deletions and insertions (no `equal` between them), with the prefix and suffix its
// deleted and inserted text share (never splitting a surrogate pair) turned into `equal` spans.
const pushRun = (spans: ChangeSpan[], run: readonly ChangeSpan[]): void => {
  const joined = (op: Edit): string => run.filter((span) => span.op === op).map((span) => span.text).join('');
  const [deleted, inserted] = [joined('delete'), joined('insert')];
  const most = Math.min(deleted.length, inserted.length);
  let prefix = 0;
  while (prefix < most && deleted[prefix] === inserted[prefix]) prefix++;
  if (prefix > 0 && isHigh(inserted.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < most - prefix && deleted[deleted.length - 1 - suffix] === inserted[inserted.length - 1 - suffix]) suffix++;
  if (suffix > 0 && isLow(inserted.charCodeAt(inserted.length - suffix))) suffix--;
  const none: [number, number] = [0, 0];
  const same = (bounds: [number, number]): void => {
    for (const part of within(run, { insert: bounds, delete: none })) pushSpan(spans, 'equal', part.text, part.author);
  };
  same([0, prefix]);
  for (const part of within(run, { insert: [prefix, inserted.length - suffix], delete: [prefix, deleted.length - suffix] })) pushSpan(spans, part.op, part.text, part.author);
  same([inserted.length - suffix, inserted.length]);
};

// The spans with each run of deletions and insertions trimmed of the text its sides share.
const settleRuns = (raw: readonly ChangeSpan[]): ChangeSpan[] => {
  const spans: ChangeSpan[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw[i]!.op === 'equal') {
      pushSpan(spans, 'equal', raw[i]!.text, raw[i]!.author);
      i++;
      continue;
    }
    let end = i;
    while (end < raw.length && raw[end]!.op !== 'equal') end++;
    pushRun(spans, raw.slice(i, end));
    i = end;
  }
  return spans;
};

/** The spans of `text` from snapshot `a` to snapshot `b`. */
export const spansBetween = (text: Y.Text, a: Y.Snapshot, b: Y.Snapshot, authors: Pick<AuthorMap, 'segments'> | null): ChangeSpan[] => {
  const spans: ChangeSpan[] = [];
  const push = (op: ChangeSpan['op'], value: string, author: string | null): void => pushSpan(spans, op, value, author);
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
  return settleRuns(spans);
};
