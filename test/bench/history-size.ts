/**
 * History storage (issue 12): the automerge-paper trace (259,778 edits) typed into a gc-on
 * meeting document, a revision cut every 1,000 edits by the server's own cut code
 * (server/history/revision-log.ts) into a real LevelDB store. Prints, per tenth of the trace and
 * at the end, the bytes of the history records as stored (the JSON of the revision records and
 * the head) per revision and as a ratio to the live document's stored size (its compacted
 * snapshot, `Y.encodeStateAsUpdate`). Checks that every revision replays exactly. Asserts nothing.
 *
 *   npx tsx test/bench/history-size.ts        (or: npm run bench:history)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import { notesOf } from '../../shared/doc-schema.js';
import { RevisionLog } from '../../server/history/revision-log.js';
import { decodePiece, REVISION_HEADS, REVISION_PIECES, REVISIONS } from '../../server/history/revision-records.js';
import { LevelStore } from '../../server/storage/level-store.js';
import { applyPatch, loadTrace } from './traces.js';

const EDITS_PER_REVISION = 1000;
const MEETING = 'history-size-bench';

const dir = await mkdtemp(join(tmpdir(), 'meetpad-history-bench-'));
const store = await LevelStore.open(dir);
try {
  const live = new Y.Doc();
  const text = notesOf(live);
  let now = Date.UTC(2026, 0, 5, 9, 0);
  const log = new RevisionLog(store, { now: () => now, setTimeout: () => 0 as never, clearTimeout: () => {} }, async () => new AuthorMap());
  const expected: string[] = [];
  const cut = async (): Promise<void> => {
    now += 60_000;
    await log.cut(MEETING, { kind: 'auto' }, { open: async () => live, take: () => ['Typist'], giveBack: () => {}, usable: () => true });
    expected.push(text.toString());
  };
  const trace = loadTrace('automerge-paper');
  const started = performance.now();
  const rows: string[][] = [];
  const sizeOfHistory = async (): Promise<{ records: number; bytes: number; pieceBytes: number; head: number }> => {
    const records = await store.collection(REVISIONS).list(`${MEETING}!`);
    const pieces = await store.collection<{ piece: string }>(REVISION_PIECES).list(`${MEETING}!`);
    const head = await store.collection(REVISION_HEADS).get(MEETING);
    const pieceBytes = pieces.reduce((sum, { value }) => sum + decodePiece(value.piece).byteLength, 0);
    const bytes = [...records, ...pieces].reduce((sum, { value }) => sum + JSON.stringify(value).length, 0);
    return { records: records.length, bytes, pieceBytes, head: JSON.stringify(head).length };
  };
  const row = async (edits: number): Promise<void> => {
    const size = await sizeOfHistory();
    const liveBytes = Y.encodeStateAsUpdate(live).byteLength;
    const total = size.bytes + size.head;
    rows.push([String(edits), String(size.records), String(total), String(Math.round(total / size.records)), String(liveBytes), (total / liveBytes).toFixed(2), (size.pieceBytes / liveBytes).toFixed(2)]);
  };
  for (let i = 0; i < trace.patches.length; i++) {
    live.transact(() => applyPatch(text, trace.patches[i]!));
    if ((i + 1) % EDITS_PER_REVISION === 0) await cut();
    if ((i + 1) % 26_000 === 0) await row(i + 1);
  }
  await cut();
  await row(trace.patches.length);
  const cutSeconds = (performance.now() - started) / 1000;

  // Every revision replays exactly (what history-view.ts does).
  const view = new Y.Doc({ gc: false });
  let exact = 0;
  const records = await log.records(MEETING);
  const replayStarted = performance.now();
  for (const [i, record] of records.entries()) {
    Y.applyUpdate(view, decodePiece(record.piece));
    const doc = Y.createDocFromSnapshot(view, Y.snapshot(view));
    if (notesOf(doc).toString() === expected[i]) exact++;
    doc.destroy();
  }
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  // What a history view's build does: apply every piece and take a snapshot after each.
  const buildStarted = performance.now();
  const built = new Y.Doc({ gc: false });
  for (const record of records) {
    Y.applyUpdate(built, decodePiece(record.piece));
    Y.snapshot(built);
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  built.destroy();

  const header = ['edits', 'revisions', 'history bytes', 'bytes/revision', 'live snapshot bytes', 'history/live', 'raw pieces/live'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(`\nrevisions replaying exactly: ${exact}/${records.length}; end text equals the trace: ${text.toString() === trace.endContent}`);
  console.log(`cutting ${records.length} revisions: ${cutSeconds.toFixed(1)} s with the typing; building a history view: ${buildSeconds.toFixed(2)} s; checking every revision's text (one createDocFromSnapshot each): ${replaySeconds.toFixed(1)} s`);
  view.destroy();
  live.destroy();
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
