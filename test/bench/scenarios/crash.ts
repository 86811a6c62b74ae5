/**
 * crash: one client types single-keystroke updates at 100, 1,000 and 10,000 edits/s while another
 * client watches; after 1.5 s the server gets `kill -9`. It is restarted on the same directory and
 * a fresh client loads the meeting. Lost = edits the watcher had received that the restarted
 * server does not have (an inserted character whose clock is past the restored state vector, or a
 * deleted character not in the restored delete set), counted per character. Edits nobody observed
 * may be lost; they are counted apart.
 */
import * as Y from 'yjs';
import { YClient } from '../client.js';
import { type Metrics, type Scenario, dispose, keystrokeUpdates, settle } from '../scenario.js';
import { type Kind, removeDir, startServer, tempDataDir } from '../servers.js';
import { sleep, until } from '../stats.js';

const RATES = [100, 1000, 10_000];

/**
 * One observed edit: an inserted character (its id) or a deleted one. Counted per character, not
 * per struct: a server that merges the keystrokes of one socket read (meetpad) or of one event-loop
 * turn (Hocuspocus) into one update delivers several keystrokes as one struct.
 */
type Observed = { kind: 'insert' | 'delete'; client: number; clock: number };

const describe = (update: Uint8Array): Observed[] => {
  const { structs, ds } = Y.decodeUpdate(update);
  const out: Observed[] = [];
  for (const struct of structs) for (let i = 0; !(struct instanceof Y.Skip) && i < struct.length; i++) out.push({ kind: 'insert', client: struct.id.client, clock: struct.id.clock + i });
  for (const [client, items] of ds.clients) for (const item of items) for (let i = 0; i < item.len; i++) out.push({ kind: 'delete', client, clock: item.clock + i });
  return out;
};

const runRate = async (kind: Kind, rate: number, seconds: number): Promise<{ observed: number; lost: number; sent: number; unobservedLost: number }> => {
  const updates = keystrokeUpdates(Math.ceil(rate * seconds * 1.2) + 10);
  const dataDir = tempDataDir(kind);
  let server = await startServer(kind, { dataDir });
  try {
    const meeting = await server.createMeeting();
    const writer = await YClient.open(server.wsUrl(meeting));
    const observed: Observed[] = [];
    const watcher = await YClient.open(server.wsUrl(meeting), { onUpdate: (update, _t, step2) => void (step2 || observed.push(...describe(update))) });
    await until(() => writer.synced && watcher.synced, 'sync');
    await settle(server);
    let sent = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        if (elapsed >= seconds) {
          clearInterval(tick);
          resolve();
          return;
        }
        const due = Math.min(updates.length, Math.floor(elapsed * rate) + 1);
        while (sent < due) writer.sendUpdate(updates[sent++]!);
      }, 5);
    });
    // Kill while the last writes may still be on their way: what the watcher saw is frozen now.
    await server.kill9();
    const seen = [...observed];
    writer.close();
    watcher.close();
    server = await startServer(kind, { dataDir });
    const doc = new Y.Doc();
    const reader = await YClient.open(server.wsUrl(meeting), { doc });
    await until(() => reader.synced, 'reader sync');
    // The reference answers sync before its stored state is loaded; the load arrives as an update.
    await server.flushed();
    await sleep(kind === 'reference' ? 300 : 0);
    const restoredDs = Y.createDeleteSetFromStructStore(doc.store);
    const isLost = (o: Observed): boolean =>
      o.kind === 'delete' ? !Y.isDeleted(restoredDs, Y.createID(o.client, o.clock)) : Y.getState(doc.store, o.client) <= o.clock;
    const lost = seen.filter(isLost).length;
    // Sent but neither observed nor kept: allowed (nobody saw them), reported for information.
    const writerClient = Y.decodeUpdate(updates[0]!).structs[0]!.id.client;
    const restoredWriterState = Y.getState(doc.store, writerClient);
    const sentState = (() => {
      const d = new Y.Doc();
      Y.applyUpdate(d, Y.mergeUpdates(updates.slice(0, sent)));
      const s = Y.getState(d.store, writerClient);
      d.destroy();
      return s;
    })();
    dispose(reader);
    return { observed: seen.length, lost, sent, unobservedLost: Math.max(0, sentState - restoredWriterState) };
  } finally {
    await server.kill9();
    removeDir(dataDir);
  }
};

export const crash: Scenario = {
  name: 'crash',
  info: RATES.flatMap((rate) => [`observed@${rate}`, `unobservedLostChars@${rate}`]),
  description: 'kill -9 while typing at 100 / 1,000 / 10,000 edits/s: observed edits missing after restart',
  async run({ kind, quick, log }) {
    const metrics: Metrics = {};
    const seconds = quick ? 1 : 1.5;
    for (const rate of RATES) {
      const result = await runRate(kind, rate, seconds);
      log(`  crash ${kind} ${rate}/s: sent ${result.sent}, observed ${result.observed}, observed-but-lost ${result.lost}, unobserved lost (chars) ${result.unobservedLost}`);
      metrics[`lost@${rate}`] = result.lost;
      metrics[`observed@${rate}`] = result.observed;
      metrics[`unobservedLostChars@${rate}`] = result.unobservedLost;
    }
    return metrics;
  },
};
