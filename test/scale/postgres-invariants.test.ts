/**
 * GUIDE 1.10, invariants 1 and 4, each shown by holding a PostgreSQL lock from another session:
 * an update whose commit is held back is published nowhere (no Redis message, no other instance,
 * no other client) until it commits; a compaction finds the meeting's advisory lock taken and
 * folds nothing, so two instances never fold one meeting at the same time.
 */
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BUS_MESSAGE, decodeBusMessage, type BusMessage } from '../../server/bus/bus-wire.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { COMPACTION_LOCK_SPACE, compactStored } from '../../server/storage/postgres/compaction.js';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { startInstances, waitForMesh, useEngines } from './scale-helpers.js';

const suite = useEngines();
const { cleanup } = suite;

/** A session of its own, for holding locks. */
const session = async (url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  cleanup.push(() => client.end().catch(() => {}));
  return client;
};

/** Waits until a statement of another session waits for a lock held by `admin`'s. */
const someoneWaits = (admin: pg.Client): Promise<unknown> =>
  waitFor(async () => {
    // Inside a transaction the activity view is read once and kept, unless cleared.
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    return Number(rows[0]!.n) > 0;
  }, 'a statement to wait for the lock');

const join = async (server: TestServer, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

/** Every message on the Redis, decoded, in the order Redis delivered them. */
const listenToRedis = async (): Promise<BusMessage[]> => {
  const heard: BusMessage[] = [];
  const subscriber = createClient({ url: suite.engines.redis.url });
  subscriber.on('error', () => {});
  await subscriber.connect();
  cleanup.push(() => subscriber.close().catch(() => subscriber.destroy()));
  await subscriber.pSubscribe('*', (message: Buffer) => heard.push(decodeBusMessage(message)), true);
  return heard;
};

describe('invariant 1: published only after the PostgreSQL commit', () => {
  it('an edit whose commit is held back by a lock reaches no Redis message, no other instance and no other client until it commits', async () => {
    const databaseUrl = await suite.engines.postgres.createDatabase();
    const servers = await startInstances(2, databaseUrl, suite.engines.redis.url);
    cleanup.push(() => Promise.all(servers.map((server) => server.close())));
    await waitForMesh(servers);
    const [a, b] = servers as [TestServer, TestServer];
    const meeting = await createMeeting(a.url);
    const [typist, neighbour, remote] = [await join(a, meeting.id, meeting.editKey), await join(a, meeting.id, meeting.viewKey), await join(b, meeting.id, meeting.viewKey)];
    typist.doc.getText('notes').insert(0, '[before]');
    await waitFor(() => remote.doc.getText('notes').toString().includes('[before]'), 'the first edit to reach the other instance');
    const heard = await listenToRedis();
    const updatesHeard = () => heard.filter((m) => m.type === BUS_MESSAGE.update && m.meetingId === meeting.id).length;
    const heartbeaters = () => new Set(heard.filter((m) => m.type === BUS_MESSAGE.heartbeat).map((m) => m.instance));
    await waitFor(() => heartbeaters().size === 2, 'heartbeats of both instances on the bus');

    // The meeting's document row is locked elsewhere: A's append waits inside its transaction.
    const admin = await session(databaseUrl);
    await admin.query('BEGIN');
    await admin.query('SELECT 1 FROM meetpad_documents WHERE meeting_id = $1 FOR UPDATE', [meeting.id]);
    typist.doc.getText('notes').insert(0, '[held]');
    await someoneWaits(admin);
    // Each instance publishes on one connection, in order: two heartbeats of each, sent after the
    // edit reached PostgreSQL, come after anything published on its receipt.
    const mark = heard.length;
    const instances = heartbeaters();
    await waitFor(() => {
      const after = heard.slice(mark).filter((m) => m.type === BUS_MESSAGE.heartbeat);
      return [...instances].every((instance) => after.filter((m) => m.instance === instance).length >= 2);
    }, 'two more heartbeats of every instance');
    expect(instances.size).toBe(2);
    expect(updatesHeard()).toBe(0);
    expect(remote.doc.getText('notes').toString()).not.toContain('[held]');
    expect(neighbour.doc.getText('notes').toString()).not.toContain('[held]');

    await admin.query('COMMIT');
    await waitFor(() => remote.doc.getText('notes').toString().includes('[held]'), 'the edit to reach the other instance once committed');
    await waitFor(() => neighbour.doc.getText('notes').toString().includes('[held]'), 'the edit to reach the other client once committed');
    expect(updatesHeard()).toBeGreaterThan(0);
  });
});

describe('invariant 4: one compaction of a meeting at a time, under the advisory lock', () => {
  let counter = 0;
  const newRecord = (): MeetingRecord => {
    const id = `lock-${++counter}-${Date.now().toString(36)}`;
    const at = new Date().toISOString();
    return { id, title: id, createdAt: at, updatedAt: at, editKeyHash: `e-${id}`, viewKeyHash: `v-${id}` };
  };

  /** A database with one meeting of `entries` log entries; the pools of two instances' compactions. */
  const setUp = async (entries: number) => {
    const url = await suite.engines.postgres.createDatabase();
    const store = await PostgresStore.open(url, { poolSize: 2 });
    cleanup.push(() => store.close());
    const record = newRecord();
    await store.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const { log } = await store.openDocument(record.id);
    cleanup.push(() => log.close());
    const doc = new Y.Doc();
    cleanup.push(() => doc.destroy());
    for (let i = 0; i < entries; i++) {
      let update!: Uint8Array;
      doc.once('update', (u: Uint8Array) => (update = u));
      doc.getText('notes').insert(0, `[${i}]`);
      await log.append(update);
    }
    // (A statement stuck behind another instance's compaction fails rather than hangs the test.)
    const options = { connectionString: url, max: 1, statement_timeout: 5000 };
    const pools = [new pg.Pool(options), new pg.Pool(options)] as const;
    cleanup.push(() => Promise.all(pools.map((pool) => pool.end())));
    return { url, store, record, pools, text: () => doc.getText('notes').toString() };
  };

  it('a compaction finds the lock taken by another session and folds nothing; once released it folds', async () => {
    const { url, store, record, pools } = await setUp(4);
    const holder = await session(url);
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [COMPACTION_LOCK_SPACE, record.id]);
    expect(await compactStored(pools[0], record.id, 3)).toBe('locked-elsewhere');
    expect((await store.readDocument(record.id)).updates).toHaveLength(4);
    await holder.query('COMMIT');
    expect(await compactStored(pools[0], record.id, 3)).toBe('folded');
    expect((await store.readDocument(record.id)).updates).toHaveLength(0);
  });

  it('while one instance folds a meeting, a second compaction of it on another instance is refused by the lock, and the fold keeps every edit', async () => {
    const { url, store, record, pools, text } = await setUp(4);
    // The first compaction takes the lock, then waits on a row it must delete (a slow fold looks the same).
    const blocker = await session(url);
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM meetpad_updates WHERE meeting_id = $1 AND seq = 3 FOR UPDATE', [record.id]);
    const first = compactStored(pools[0], record.id, 3);
    await someoneWaits(blocker);
    // Without the lock, the second would fold too (and wait on the first's row locks instead).
    expect(await compactStored(pools[1], record.id, 3)).toBe('locked-elsewhere');
    await blocker.query('COMMIT');
    expect(await first).toBe('folded');
    const stored = await store.readDocument(record.id);
    expect(stored.updates).toEqual([]);
    const folded = new Y.Doc();
    Y.applyUpdate(folded, stored.snapshot!);
    expect(folded.getText('notes').toString()).toBe(text());
    folded.destroy();
  });
});
