/** What every scenario module exports, and helpers they share. */
import * as Y from 'yjs';
import { YClient, notesText } from './client.js';
import type { Kind, Meeting, Server } from './servers.js';
import { loadTrace, applyPatch } from './traces.js';
import { sleep, until } from './stats.js';

/** Numbers one scenario run produced, by metric name. */
export type Metrics = Record<string, number>;

/** How a metric compares: lower is better (times, bytes, losses) or higher is better. */
export type Direction = 'lower' | 'higher';

export interface ScenarioContext {
  kind: Kind;
  quick: boolean;
  /** 1-based round number (A B A B ...). */
  round: number;
  /** Writes a progress line to stderr. */
  log(message: string): void;
}

/** A benchmark scenario. */
export interface Scenario {
  name: string;
  /** One-line description printed in the results. */
  description: string;
  /** Metrics where higher is better (every other metric: lower is better). */
  higherIsBetter?: string[];
  /** Metrics that describe the run (counts, context) rather than rank the servers. */
  info?: string[];
  /** Runs once, not once per server kind: the scenario compares deployments of its own (scaleout). */
  standalone?: boolean;
  run(ctx: ScenarioContext): Promise<Metrics>;
}

/** Keystroke updates: the first `n` clownschool edits, one transaction (one update) each, by one client. */
export const keystrokeUpdates = (() => {
  const cache = new Map<number, Uint8Array[]>();
  return (n: number): Uint8Array[] => {
    const cached = cache.get(n);
    if (cached) return cached;
    const { patches } = loadTrace('clownschool_flat');
    const doc = new Y.Doc();
    const text = doc.getText('notes');
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < n; i++) doc.transact(() => applyPatch(text, patches[i % patches.length]!));
    doc.destroy();
    cache.set(n, updates);
    return updates;
  };
})();

/** Connects a client that writes (with meetpad acks) and waits until it is synced. */
export const connectWriter = async (server: Server, meeting: Meeting, doc: Y.Doc | null = null): Promise<YClient> => {
  const client = await YClient.open(server.wsUrl(meeting, { acks: true }), { doc });
  await until(() => client.synced, 'writer sync');
  return client;
};

/**
 * Waits until everything `writer` sent is durable. meetpad: its acks cover every frame. Reference:
 * the room echoes every update to its sender after applying it (so by then y-leveldb has queued the
 * write), then y-leveldb's write queue must drain. Hocuspocus: it answers each applied update with a
 * sync status (applying it armed the store debounce), then no store may be debounced or running
 * (the debounce fired and LevelDB wrote the state that holds the update).
 */
export const waitDurable = async (server: Server, writer: YClient, echoes: () => number, expectedEchoes: number, timeoutMs = 300_000): Promise<void> => {
  if (server.kind === 'meetpad') {
    await until(() => writer.saved >= writer.writes, 'meetpad acks', timeoutMs);
    return;
  }
  if (server.kind === 'hocuspocus') await until(() => writer.applied >= writer.writes, 'Hocuspocus sync statuses', timeoutMs);
  else await until(() => echoes() >= expectedEchoes, 'reference echoes', timeoutMs);
  await server.flushed();
};

/**
 * Reference only: a room starts persisting its updates one by one only once y-leveldb has read
 * the stored state (`bindState` awaits `getYDoc`); until then updates are only in memory and get
 * stored as one merged update at bind time. Waits for that point so that writes are measured in the
 * steady state. meetpad loads before it syncs, so there is nothing to wait for.
 */
export const settle = async (server: Server): Promise<void> => {
  if (server.kind !== 'reference') return;
  await server.flushed();
  await sleep(20);
  await server.flushed();
};

/** Sends a whole history through a writer and waits until it is durable. */
export const uploadHistory = async (server: Server, meeting: Meeting, updates: Uint8Array[]): Promise<void> => {
  let echoes = 0;
  const writer = await YClient.open(server.wsUrl(meeting, { acks: true }), { onUpdate: (_u, _t, step2) => void (step2 || echoes++) });
  await until(() => writer.synced, 'writer sync');
  await settle(server);
  for (const update of updates) writer.sendUpdate(update);
  await waitDurable(server, writer, () => echoes, updates.length);
  writer.close();
};

/**
 * Opens a fresh client and resolves with the milliseconds until its notes equal `expected`, and
 * `servedMs`: until the update that completed it had arrived (the rest is this client applying it:
 * the same code for every server).
 */
export const joinUntilEqual = async (url: string, expected: string, timeoutMs = 120_000): Promise<{ ms: number; servedMs: number; client: YClient }> => {
  const start = performance.now();
  const doc = new Y.Doc();
  let doneAt = 0;
  let servedAt = 0;
  const client = await YClient.open(url, {
    doc,
    onUpdate: (_update, receivedAt) => {
      if (!doneAt && notesText(doc) === expected) [doneAt, servedAt] = [performance.now(), receivedAt];
    },
  });
  await until(() => doneAt > 0, 'late joiner to equal the document', timeoutMs, 1);
  return { ms: doneAt - start, servedMs: servedAt - start, client };
};

/**
 * Warms up the load generator's Yjs code (decoding and applying a full state, as a late joiner does)
 * so that whichever server runs first is not measured against a cold JIT: every server's joins are
 * then timed with the same optimised client.
 */
export const warmUpClient = (histories: Uint8Array[][], runs = 25): void => {
  // What a server sends a late joiner: the encoded state of a document (deleted text garbage-collected), not a merged update.
  const states = histories.map((updates) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.mergeUpdates(updates));
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return state;
  });
  for (let i = 0; i < runs; i++) {
    for (const state of states) {
      const doc = new Y.Doc();
      // As in YClient: an update listener makes Yjs encode what each applied update changed.
      doc.on('update', () => {});
      Y.applyUpdate(doc, state, 'warm-up');
      notesText(doc);
      doc.destroy();
    }
  }
};

/** Closes a client and destroys its document. */
export const dispose = (client: YClient): void => {
  client.close();
  client.doc?.destroy();
};
