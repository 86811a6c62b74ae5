/**
 * The action items panel's work per frame (client/controllers/items-controller.ts) on a 100 KB
 * page: parse both texts, then anchor every item's checkbox with a Yjs relative position. The
 * Y.Text is built by several simulated typists, so it has the thousands of items (structs) a page
 * edited for an hour has. Compares anchoring in one walk with Yjs's one-call-per-item way.
 * Prints one JSON line and asserts nothing.
 *
 *   npx tsx test/bench/item-anchors-bench.ts [--runs 200]
 */
import os from 'node:os';
import * as Y from 'yjs';
import { parseMeeting } from '../../shared/meeting-parser.js';
import { anchorsAt } from '../../client/lib/text-anchors.js';
import { percentile, round } from './stats.js';

const TARGET_CHARS = 100 * 1024;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 200 : Number(process.argv[runsArg + 1]);

/** mulberry32, so every run builds the same page. */
const prng = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Notes typed line by line by three people at random places, some lines retyped. */
const typedNotes = (): Y.Doc => {
  const random = prng(7);
  const peers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const words = 'review plan budget roadmap release infra security testing hiring design sync'.split(' ');
  const phrase = (n: number): string => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  let length = 0;
  for (let i = 0; length < TARGET_CHARS; i++) {
    const peer = peers[i % peers.length];
    const text = peer.getText('notes');
    const line = i % 3 === 0 ? `- [${random() < 0.3 ? 'x' : ' '}] ${phrase(5)} @${words[i % words.length]} due 2025-03-14\n` : `- ${phrase(8)}\n`;
    // At the start of a random line, so the text is a patchwork of short runs.
    const content = text.toString();
    const at = content.length === 0 ? 0 : content.indexOf('\n', Math.floor(random() * content.length)) + 1 || content.length;
    text.insert(at, line);
    if (random() < 0.1 && content.length > 20) text.delete(Math.floor(random() * (content.length - 10)), 3);
    if (i % 5 === 0) for (const other of peers) if (other !== peer) Y.applyUpdate(other, Y.encodeStateAsUpdate(peer));
    length = text.length;
  }
  for (const a of peers) for (const b of peers) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  peers.slice(1).forEach((doc) => doc.destroy());
  return peers[0];
};

const time = (work: () => void): { medianMs: number; p95Ms: number; maxMs: number } => {
  for (let i = 0; i < 20; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95)), maxMs: round(samples.at(-1)!) };
};

const doc = typedNotes();
const notes = doc.getText('notes');
let structs = 0;
for (let n = notes._start; n !== null; n = n.right) structs++;
const text = notes.toString();
const items = parseMeeting({ agenda: '', notes: text }).actionItems;
const offsets = items.map((item) => item.checkOffset - 1);

console.log(
  JSON.stringify({
    page: { chars: text.length, items: items.length, structs },
    parse: time(() => parseMeeting({ agenda: '', notes: notes.toString() })),
    anchorsOneWalk: time(() => anchorsAt(notes, offsets)),
    anchorsPerItem: time(() => offsets.map((offset) => Y.createRelativePositionFromTypeIndex(notes, offset))),
    runs: RUNS,
    node: process.version,
    cpus: os.cpus().length,
    load: os.loadavg()[0].toFixed(2),
  }),
);
doc.destroy();
