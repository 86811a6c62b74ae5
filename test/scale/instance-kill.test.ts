/**
 * Instances are child processes (`node dist/server/main.js`) behind a round-robin balancer without
 * stickiness. `kill -9` of one while its clients type: they reconnect through the balancer to the
 * others, every edit any client observed is in PostgreSQL, everyone converges; and the cursors of
 * the killed instance's clients disappear on the others after a real kill -9, after which a client
 * that moved gets its cursor back. The documented bound itself (TTL plus one heartbeat) is checked
 * on a ManualClock in presence-expiry.test.ts: wall-clock time here is only reported.
 */
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { freePort } from '../helpers/ports.js';
import { seedFrom, seededRandom } from '../helpers/random.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { FAST_BUS, scaleEnv, spawnInstance, type ChildInstance, useEngines } from './scale-helpers.js';
import { startBalancer, type Proxy } from './tcp-proxies.js';

const suite = useEngines({ built: true });
const { cleanup } = suite;

/** Three child instances on a fresh database and a balancer in front of the live ones. */
const cluster = async (): Promise<{ instances: ChildInstance[]; balancer: Proxy; databaseUrl: string; wsUrl: string; url: string }> => {
  const databaseUrl = await suite.engines.postgres.createDatabase();
  const instances: ChildInstance[] = [];
  for (let i = 0; i < 3; i++) instances.push(await spawnInstance(await freePort(), scaleEnv(databaseUrl, suite.engines.redis.url)));
  cleanup.push(() => Promise.all(instances.map((instance) => instance.kill9())));
  const balancer = await startBalancer(() => instances.filter((instance) => instance.process.exitCode === null && instance.process.signalCode === null).map((instance) => instance.port));
  cleanup.push(() => balancer.close());
  return { instances, balancer, databaseUrl, wsUrl: `ws://127.0.0.1:${balancer.port}`, url: `http://127.0.0.1:${balancer.port}` };
};

/** Which instance a client's socket reached (the balancer hides it): asked of each instance's metrics. */
const instanceOf = async (instances: ChildInstance[], countBefore: number[]): Promise<number> => {
  for (const [i, instance] of instances.entries()) {
    const text = await (await fetch(`${instance.url}/metrics`)).text();
    const open = [...text.matchAll(/^meetpad_connections\{role="(?:edit|view)"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    if (open > countBefore[i]!) return i;
  }
  throw new Error('the socket reached no instance');
};

const connectionCounts = (instances: ChildInstance[]): Promise<number[]> =>
  Promise.all(
    instances.map(async (instance) => {
      if (instance.process.exitCode !== null || instance.process.signalCode !== null) return 0;
      const text = await (await fetch(`${instance.url}/metrics`)).text();
      return [...text.matchAll(/^meetpad_connections\{role="(?:edit|view)"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    }),
  );

const typeUntil = (attendee: Attendee, label: string, stop: () => boolean): Promise<void> =>
  (async () => {
    const text = attendee.doc.getText('notes');
    for (let i = 0; !stop(); i++) {
      text.insert(text.length, `[${label}:${i}]`);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();

const markersOf = (text: string): string[] => text.match(/\[w\d:\d+\]/g) ?? [];

describe('an instance killed with kill -9', () => {
  it('loses nothing: its clients reconnect to the others, every observed edit is in PostgreSQL, everyone converges', async () => {
    const seed = seedFrom(process.env.SCALE_SEED);
    console.log('instance kill seed', seed);
    const random = seededRandom(seed);
    const { instances, wsUrl, url, databaseUrl } = await cluster();
    const meeting = await createMeeting(url, { title: 'Kill one instance' });
    // Round robin: writer n and observer n land on instance n.
    const writers: Attendee[] = [];
    const observers: Attendee[] = [];
    const homes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await connectionCounts(instances);
      const writer = await joinMeeting(wsUrl, meeting.id, meeting.editKey);
      cleanup.push(() => writer.destroy());
      writers.push(writer);
      homes.push(await instanceOf(instances, before));
    }
    for (let i = 0; i < 3; i++) {
      const observer = await joinMeeting(wsUrl, meeting.id, meeting.viewKey);
      cleanup.push(() => observer.destroy());
      observers.push(observer);
    }
    let stop = false;
    const typing = writers.map((writer, n) => typeUntil(writer, `w${n}`, () => stop));
    await waitFor(() => observers.every((observer) => markersOf(pageOf(observer.doc)).length >= 60), 'every observer to see typing from everyone');
    await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
    const victim = homes[0]!;
    await instances[victim]!.kill9();
    // What any client saw from a server at the moment of the kill must survive.
    const observed = new Set(observers.flatMap((observer) => markersOf(pageOf(observer.doc))));
    // Typing goes on through the reconnect, then stops.
    await waitFor(() => writers.every((writer) => writer.provider.wsconnected), 'every writer to be connected again');
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(typing);
    const typed = writers.map((writer) => markersOf(writer.doc.getText('notes').toString()).filter((m) => m.startsWith(`[w${writers.indexOf(writer)}:`)).length);
    await waitFor(() => new Set([...writers, ...observers].map((a) => pageOf(a.doc))).size === 1, 'every client to converge');
    const page = pageOf(writers[0]!.doc);
    for (const [n, count] of typed.entries()) for (let i = 0; i < count; i++) expect(page).toContain(`[w${n}:${i}]`);

    const store = await PostgresStore.open(databaseUrl, { poolSize: 2 });
    cleanup.push(() => store.close());
    await waitFor(async () => pageOf(rebuildDoc(await store.readDocument(meeting.id))) === page, 'PostgreSQL to hold the converged page');
    const stored = pageOf(rebuildDoc(await store.readDocument(meeting.id)));
    for (const marker of observed) expect(stored).toContain(marker);
    expect(observed.size).toBeGreaterThanOrEqual(60);
  });

  it("the cursors of a killed instance's clients disappear on the others, and come back once their clients reconnect", async () => {
    const { instances, wsUrl } = await cluster();
    const meeting = await createMeeting(instances[0]!.url);
    const before = await connectionCounts(instances);
    const moving = await joinMeeting(wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => moving.destroy());
    const home = await instanceOf(instances, before);
    // A watcher on another instance, connected directly.
    const other = instances[(home + 1) % 3]!;
    const watcher = await joinMeeting(other.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => watcher.destroy());
    moving.provider.awareness.setLocalStateField('user', { name: 'Mover', color: '#aa0000' });
    const seen = () => watcher.provider.awareness.getStates().has(moving.doc.clientID);
    await waitFor(seen, 'the watcher to see the cursor');
    // Keep the moving client from reconnecting until its old state expired: the test measures expiry.
    moving.provider.shouldConnect = false;
    const killedAt = Date.now();
    await instances[home]!.kill9();
    await waitFor(() => !seen(), 'the cursor of the killed instance to disappear', FAST_BUS.busPresenceTtlMs + FAST_BUS.busHeartbeatMs + 5000);
    const elapsed = Date.now() - killedAt;
    console.log(`cursor gone ${elapsed} ms after kill -9 (TTL ${FAST_BUS.busPresenceTtlMs} ms, heartbeat ${FAST_BUS.busHeartbeatMs} ms)`);
    moving.provider.connect();
    await waitFor(() => moving.provider.wsconnected, 'the client to reconnect through the balancer');
    // Its next presence change (a cursor move; at the latest the client's 15 s renewal) is its own again.
    moving.provider.awareness.setLocalStateField('cursor', null);
    await waitFor(seen, "the moved client's cursor to be back for the watcher");
    expect((watcher.provider.awareness.getStates().get(moving.doc.clientID) as { user: { name: string } }).user.name).toBe('Mover');
  });
});
