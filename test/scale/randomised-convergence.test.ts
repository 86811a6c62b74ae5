/**
 * A seeded randomised convergence test across instances (in the spirit of yjs's own): clients
 * behind a round-robin balancer make random edits, go offline and come back, while instances are
 * killed with -9 and restarted and Redis is killed and restarted. In the end every client holds
 * the same document, and PostgreSQL replays to exactly that document. The seed is printed;
 * `SCALE_SEED=N` replays a run.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { freePort } from '../helpers/ports.js';
import { seedFrom, seededRandom } from '../helpers/random.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { scaleEnv, spawnInstance, type ChildInstance, useEngines } from './scale-helpers.js';
import { startBalancer } from './tcp-proxies.js';

const suite = useEngines({ built: true });
const { cleanup } = suite;

const STEPS = 14;
const CLIENTS = 4;

describe('randomised convergence across instances', () => {
  it('random edits, offline clients, kill -9 of instances and Redis restarts: everyone converges on what PostgreSQL holds', async () => {
    const seed = seedFrom(process.env.SCALE_SEED);
    console.log('randomised convergence seed', seed);
    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const databaseUrl = await suite.engines.postgres.createDatabase();
    const env = scaleEnv(databaseUrl, suite.engines.redis.url);
    const ports = [await freePort(), await freePort(), await freePort()];
    const instances: Array<ChildInstance | null> = [];
    for (const port of ports) instances.push(await spawnInstance(port, env));
    cleanup.push(() => Promise.all(instances.map((instance) => instance?.kill9())));
    const balancer = await startBalancer(() => instances.filter((i): i is ChildInstance => i !== null).map((i) => i.port));
    cleanup.push(() => balancer.close());
    const wsUrl = `ws://127.0.0.1:${balancer.port}`;
    const meeting = await createMeeting(`http://127.0.0.1:${balancer.port}`, { title: 'Randomised' });
    const clients: Attendee[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client = await joinMeeting(wsUrl, meeting.id, meeting.editKey);
      cleanup.push(() => client.destroy());
      clients.push(client);
    }
    let redisDown = false;

    const edit = (client: Attendee): void => {
      const text = client.doc.getText(random() < 0.5 ? 'agenda' : 'notes');
      if (text.length > 20 && random() < 0.3) text.delete(Math.floor(random() * (text.length - 5)), 1 + Math.floor(random() * 4));
      else text.insert(Math.floor(random() * (text.length + 1)), `${String.fromCharCode(97 + Math.floor(random() * 26))}${Math.floor(random() * 100)}`);
    };

    for (let step = 0; step < STEPS; step++) {
      for (let i = 0; i < 20; i++) edit(pick(clients));
      const action = random();
      const live = instances.map((instance, n) => (instance ? n : -1)).filter((n) => n >= 0);
      if (action < 0.3 && live.length > 1) {
        const victim = pick(live);
        await instances[victim]!.kill9();
        instances[victim] = null;
      } else if (action < 0.45) {
        const dead = instances.map((instance, n) => (instance ? -1 : n)).filter((n) => n >= 0);
        if (dead.length) {
          const back = pick(dead);
          instances[back] = await spawnInstance(ports[back]!, env);
        }
      } else if (action < 0.6) {
        if (redisDown) await suite.engines.redis.restart();
        else await suite.engines.redis.kill();
        redisDown = !redisDown;
      } else if (action < 0.8) {
        // A client goes offline, edits, and comes back.
        const client = pick(clients);
        client.provider.disconnect();
        for (let i = 0; i < 5; i++) edit(client);
        client.provider.connect();
      }
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 150)));
    }
    // Everything back up.
    if (redisDown) await suite.engines.redis.restart();
    for (const [n, instance] of instances.entries()) if (!instance) instances[n] = await spawnInstance(ports[n]!, env);
    await waitFor(() => clients.every((client) => client.provider.wsconnected && client.provider.synced), 'every client to be connected and synced', 30_000);
    const vectors = () => clients.map((client) => Buffer.from(Y.encodeStateVector(client.doc)).toString('base64'));
    await waitFor(() => new Set(vectors()).size === 1 && new Set(clients.map((c) => pageOf(c.doc))).size === 1, `every client to converge (seed ${seed})`, 30_000);
    const store = await PostgresStore.open(databaseUrl, { poolSize: 2 });
    cleanup.push(() => store.close());
    const page = pageOf(clients[0]!.doc);
    await waitFor(async () => pageOf(rebuildDoc(await store.readDocument(meeting.id))) === page, `PostgreSQL to replay to the converged document (seed ${seed})`, 30_000);
    const stored = rebuildDoc(await store.readDocument(meeting.id));
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(clients[0]!.doc));
  });
});
