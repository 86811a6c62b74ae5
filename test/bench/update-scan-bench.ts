/**
 * The stored state of a meeting's update, two ways: `yjsDecode` (a complete Yjs decode, what
 * meetpad did before the scanner: test/helpers/yjs-stored-state.ts) and `scanStoredState` (the
 * scanner, update-scan.ts, what a room's load uses). On the snapshots a
 * restarted server loads (a 20k-edit clownschool history and the whole 260k-edit automerge-paper
 * trace, as latejoin builds them), first call in a fresh process (cold: what the first join of a
 * meeting after a restart pays) and warm (median of 20); and on single-keystroke updates. Prints
 * JSON lines, then a table; asserts only that both ways give the same state.
 *
 *   npx tsx test/bench/update-scan-bench.ts [--cold-runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import { scanStoredState } from '../../server/collab/update-scan.js';
import { yjsStoredState } from '../helpers/yjs-stored-state.js';
import { median, round } from './stats.js';
import { buildHistory } from './traces.js';

const WAYS = { yjsDecode: yjsStoredState, scanStoredState } as const;
type Way = keyof typeof WAYS;
const WAY_NAMES = Object.keys(WAYS) as Way[];

// A child process: one call, cold.
if (process.argv[2] === '--cold') {
  const way = WAYS[process.argv[3] as Way];
  const update = new Uint8Array(readFileSync(process.argv[4]!));
  const start = performance.now();
  way(update);
  process.stdout.write(JSON.stringify({ ms: performance.now() - start }));
  process.exit(0);
}

const coldRunsArg = process.argv.indexOf('--cold-runs');
const COLD_RUNS = coldRunsArg === -1 ? 5 : Number(process.argv[coldRunsArg + 1]);
const WARM_RUNS = 20;

const snapshotOf = (updates: Uint8Array[]): { snapshot: Uint8Array; doc: Y.Doc } => {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return { snapshot: Y.encodeStateAsUpdate(doc), doc };
};

const coldMs = (way: Way, file: string): number => {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--cold', way, file], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`cold run failed: ${child.stderr}`);
  return (JSON.parse(child.stdout) as { ms: number }).ms;
};

const warmMs = (way: Way, update: Uint8Array): number => {
  for (let i = 0; i < 5; i++) WAYS[way](update);
  const samples: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const start = performance.now();
    WAYS[way](update);
    samples.push(performance.now() - start);
  }
  return median(samples);
};

// Nanoseconds per call: median over 20 batches of 20,000 calls, after a warm-up batch.
const perCallNs = (way: Way, update: Uint8Array): number => {
  const batch = 20_000;
  const samples: number[] = [];
  for (let round = 0; round <= WARM_RUNS; round++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) WAYS[way](update);
    if (round > 0) samples.push(((performance.now() - start) * 1e6) / batch);
  }
  return median(samples);
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'update-scan-bench-'));
try {
  const histories = [
    { label: '20k clownschool', history: buildHistory('clownschool_flat', 20_000, 100) },
    { label: '260k automerge-paper', history: buildHistory('automerge-paper', Infinity, 100) },
  ];
  const rows: Array<Record<string, string | number>> = [];
  let keystrokeDoc: Y.Doc | undefined;
  for (const { label, history } of histories) {
    const { snapshot, doc } = snapshotOf(history.updates);
    if (!isDeepStrictEqual(scanStoredState(snapshot), yjsStoredState(snapshot))) throw new Error(`${label}: the two ways differ`);
    const file = path.join(dir, `${label.replace(/\W+/g, '-')}.bin`);
    writeFileSync(file, snapshot);
    const cold: Record<Way, number[]> = { yjsDecode: [], scanStoredState: [] };
    // Alternating, so that neither way gets a quieter machine.
    for (let run = 0; run < COLD_RUNS; run++) for (const way of WAY_NAMES) cold[way].push(coldMs(way, file));
    for (const way of WAY_NAMES) {
      const row = { update: label, bytes: snapshot.byteLength, way, coldMs: round(median(cold[way])), coldRunsMs: cold[way].map(round).join(' '), warmMs: round(warmMs(way, snapshot)) };
      console.log(JSON.stringify(row));
      rows.push(row);
    }
    if (keystrokeDoc) doc.destroy();
    else keystrokeDoc = doc;
  }

  // One character typed into the 20k document, and one deleted: what a client sends per keystroke.
  const keystrokes: Array<[string, Uint8Array]> = [];
  const notes = keystrokeDoc!.getText('notes');
  keystrokeDoc!.once('update', (update: Uint8Array) => keystrokes.push(['keystroke (insert)', update]));
  notes.insert(notes.length >> 1, 'x');
  keystrokeDoc!.once('update', (update: Uint8Array) => keystrokes.push(['keystroke (delete)', update]));
  notes.delete(notes.length >> 2, 1);
  for (const [label, update] of keystrokes) {
    if (!isDeepStrictEqual(scanStoredState(update), yjsStoredState(update))) throw new Error(`${label}: the two ways differ`);
    for (const way of WAY_NAMES) {
      const row = { update: label, bytes: update.byteLength, way, warmNsPerCall: round(perCallNs(way, update)) };
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
  keystrokeDoc!.destroy();

  console.log(`\n${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, cold = median of ${COLD_RUNS} fresh processes\n`);
  console.log('| update | bytes | way | cold ms | warm ms | warm ns/call |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.update} | ${row.bytes} | ${row.way} | ${row.coldMs ?? ''} | ${row.warmMs ?? ''} | ${row.warmNsPerCall ?? ''} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
