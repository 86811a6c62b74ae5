/**
 * scalecrash: `kill -9` of an instance while one client types single keystrokes into it at 100,
 * 1,000 and 10,000 edits/s, watched by one client on the same instance and one on another.
 * meetpad: 2 instances on PostgreSQL + Redis; after the kill, PostgreSQL alone is read (a fresh
 * store on the database). Lost = edits a watcher had received that PostgreSQL does not hold (they
 * must be 0). Reference peer: 1 Hocuspocus 4 instance with its database extension on the same
 * PostgreSQL (its store debounce keeps recent edits in memory), restarted and read back.
 */
import * as Y from 'yjs';
import { PostgresStore } from '../../../server/storage/postgres-store.js';
import { rebuildDoc } from '../../../server/storage/stored-document.js';
import { YClient } from '../client.js';
import { startCluster, startEngines, type Deployment, type Engines } from '../cluster.js';
import { type Metrics, type Scenario, dispose, keystrokeUpdates } from '../scenario.js';
import { sleep, until } from '../stats.js';

const RATES = [100, 1000, 10_000];
const MEETPAD: Deployment = { label: 'pg2', server: 'meetpad-postgres', instances: 2 };
const HOCUSPOCUS: Deployment = { label: 'hocus1', server: 'hocuspocus', instances: 1 };

// What a received update holds: its insertions (client, last clock) and, for a delete-only one, its deletions.
const describe = (update: Uint8Array): Array<{ client: number; clock: number; deletes: Array<[number, number, number]> | null }> => {
  const { structs, ds } = Y.decodeUpdate(update);
  const out = structs.map((struct) => ({ client: struct.id.client, clock: struct.id.clock + struct.length - 1, deletes: null as Array<[number, number, number]> | null }));
  if (structs.length === 0) {
    const deletes: Array<[number, number, number]> = [];
    for (const [client, items] of ds.clients) for (const item of items) deletes.push([client, item.clock, item.len]);
    out.push({ client: 0, clock: 0, deletes });
  }
  return out;
};

const runRate = async (deployment: Deployment, engines: Engines, rate: number, seconds: number): Promise<{ observed: number; lost: number; sent: number }> => {
  const updates = keystrokeUpdates(Math.ceil(rate * seconds * 1.2) + 10);
  const cluster = await startCluster(deployment, engines);
  let restarted: Awaited<ReturnType<typeof startCluster>> | null = null;
  try {
    const meeting = await cluster.createMeeting();
    const [home, other] = [cluster.instances[0]!, cluster.instances.at(-1)!];
    const writer = await YClient.open(home.wsUrl(meeting));
    const observed: ReturnType<typeof describe> = [];
    const watch = (update: Uint8Array, _t: number, step2: boolean) => void (step2 || observed.push(...describe(update)));
    const watchers = [await YClient.open(home.wsUrl(meeting), { onUpdate: watch }), ...(other !== home ? [await YClient.open(other.wsUrl(meeting), { onUpdate: watch })] : [])];
    await until(() => writer.synced && watchers.every((w) => w.synced), 'sync');
    let sent = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        if (elapsed >= seconds) return resolve(void clearInterval(tick));
        const due = Math.min(updates.length, Math.floor(elapsed * rate) + 1);
        while (sent < due) writer.sendUpdate(updates[sent++]!);
      }, 5);
    });
    await home.kill9();
    // A watcher on another instance may still receive what was committed before the kill.
    await sleep(300);
    const seen = [...observed];
    for (const client of [writer, ...watchers]) client.close();
    const doc = new Y.Doc();
    if (deployment.server === 'meetpad-postgres') {
      // PostgreSQL alone, as a new instance would load it.
      const store = await PostgresStore.open(cluster.databaseUrl, { poolSize: 2 });
      rebuildDoc(await store.readDocument(meeting.id), doc);
      await store.close();
    } else {
      await cluster.stopAll();
      restarted = await startCluster(deployment, engines, cluster.databaseUrl);
      const reader = await YClient.open(restarted.instances[0]!.wsUrl(meeting), { doc });
      await until(() => reader.synced, 'reader sync');
      await sleep(300);
      dispose(reader);
    }
    const restoredDs = Y.createDeleteSetFromStructStore(doc.store);
    const isLost = (o: (typeof seen)[number]): boolean =>
      o.deletes ? o.deletes.some(([client, clock, len]) => Array.from({ length: len }, (_, i) => clock + i).some((c) => !Y.isDeleted(restoredDs, Y.createID(client, c)))) : Y.getState(doc.store, o.client) <= o.clock;
    const lost = seen.filter(isLost).length;
    doc.destroy();
    return { observed: seen.length, lost, sent };
  } finally {
    await cluster.stopAll();
    await restarted?.stopAll();
  }
};

export const scalecrash: Scenario = {
  name: 'scalecrash',
  description: 'kill -9 of an instance while typing at 100 / 1,000 / 10,000 edits/s: observed edits missing afterwards (meetpad 2 instances on PostgreSQL+Redis; Hocuspocus 4, 1 instance)',
  standalone: true,
  info: [MEETPAD, HOCUSPOCUS].flatMap((d) => RATES.map((rate) => `${d.label}_observed@${rate}`)),
  async run({ quick, log }) {
    const engines = await startEngines();
    const metrics: Metrics = {};
    try {
      for (const deployment of [MEETPAD, HOCUSPOCUS]) {
        for (const rate of RATES) {
          const result = await runRate(deployment, engines, rate, quick ? 1 : 1.5);
          log(`  scalecrash ${deployment.label} ${rate}/s: sent ${result.sent}, observed ${result.observed}, observed-but-lost ${result.lost}`);
          metrics[`${deployment.label}_lost@${rate}`] = result.lost;
          metrics[`${deployment.label}_observed@${rate}`] = result.observed;
        }
      }
    } finally {
      await engines.stop();
    }
    return metrics;
  },
};
