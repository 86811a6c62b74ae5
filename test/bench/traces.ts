/**
 * The editing traces in test/bench/traces (CC BY 4.0, see the README there) and what the
 * scenarios derive from them: keystrokes, typing pace, and documents with a real edit history.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';

/** One edit: at `pos` delete `del` characters, then insert `ins`. */
export type Patch = [pos: number, del: number, ins: string];

interface TraceFile {
  endContent: string;
  txns: Array<{ time?: string; patches: Patch[] }>;
}

export interface Trace {
  patches: Patch[];
  /** Per patch, its timestamp in whole seconds (clownschool only). */
  seconds: number[];
  endContent: string;
}

const cache = new Map<string, Trace>();

/** Loads `clownschool_flat` or `automerge-paper`. */
export const loadTrace = (name: 'clownschool_flat' | 'automerge-paper'): Trace => {
  const cached = cache.get(name);
  if (cached) return cached;
  const file = JSON.parse(gunzipSync(readFileSync(new URL(`./traces/${name}.json.gz`, import.meta.url))).toString('utf8')) as TraceFile;
  const patches: Patch[] = [];
  const seconds: number[] = [];
  for (const txn of file.txns) {
    const second = txn.time ? Math.floor(Date.parse(txn.time) / 1000) : 0;
    for (const patch of txn.patches) {
      patches.push(patch);
      seconds.push(second);
    }
  }
  const trace = { patches, seconds, endContent: file.endContent };
  cache.set(name, trace);
  return trace;
};

/** Edits per active second across the room, in trace order (clownschool: median 8, p99 19). */
export const editsPerActiveSecond = (): number[] => {
  // The flat history is in causal order, not time order: count per timestamp, then sort by time.
  const counts = new Map<number, number>();
  for (const second of loadTrace('clownschool_flat').seconds) counts.set(second, (counts.get(second) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([, count]) => count);
};

/** Applies one patch to a Y.Text at an offset, clamped to the text. */
export const applyPatch = (text: Y.Text, [pos, del, ins]: Patch, offset = 0): void => {
  const at = Math.min(offset + pos, text.length);
  if (del > 0) text.delete(at, Math.min(del, text.length - at));
  if (ins) text.insert(at, ins);
};

/** A document history: the updates a client would have sent typing the first `edits` patches in chunks. */
export interface History {
  updates: Uint8Array[];
  text: string;
  edits: number;
}

const historyCache = new Map<string, History>();

/**
 * Types the first `edits` patches of a trace into the `notes` of a fresh doc, `chunk` patches per
 * transaction (one update each), as one client typing and sending every so often.
 */
export const buildHistory = (name: 'clownschool_flat' | 'automerge-paper', edits: number, chunk: number): History => {
  const key = `${name}:${edits}:${chunk}`;
  const cached = historyCache.get(key);
  if (cached) return cached;
  const { patches } = loadTrace(name);
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const n = Math.min(edits, patches.length);
  for (let i = 0; i < n; i += chunk) {
    doc.transact(() => {
      for (let j = i; j < Math.min(n, i + chunk); j++) applyPatch(text, patches[j]!);
    });
  }
  const history = { updates, text: text.toString(), edits: n };
  doc.destroy();
  historyCache.set(key, history);
  return history;
};
