/**
 * PostgreSQL connections that die or stall under meetpad, through a fault proxy: a connection
 * reset while a write or a compaction holds it fails that operation with a StorageError (rooms
 * close 4503, /readyz turns red) and never the process; a failed compaction or read counts against
 * readiness as a failed write does, until the next success; the group commit has a connection of
 * its own, so compactions and reads holding every other one cannot starve it.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { StorageError } from '../../server/storage/meeting-store.js';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { freePort } from '../helpers/ports.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { openRaw, syncMsg } from '../hostile/hostile-helpers.js';
import { startPgFaultProxy, type PgFaultProxy } from './pg-fault-proxy.js';
import { ensureBuilt, spawnInstance } from './scale-helpers.js';

let postgres: PostgresServer;
beforeAll(async () => {
  await ensureBuilt();
  postgres = await startPostgres();
}, 180_000);
afterAll(async () => {
  await postgres?.stop();
});

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A new database and a fault proxy in front of it; resolves with the proxy and the database's URLs. */
const proxiedDatabase = async (): Promise<{ proxy: PgFaultProxy; direct: string; proxied: string }> => {
  const direct = await postgres.createDatabase();
  const proxy = await startPgFaultProxy(postgres.port);
  cleanup.push(() => proxy.close());
  return { proxy, direct, proxied: proxy.url(new URL(direct).pathname.slice(1)) };
};

const openStore = async (url: string, options: { poolSize?: number; timeoutMs?: number } = {}): Promise<PostgresStore> => {
  const store = await PostgresStore.open(url, { poolSize: 3, timeoutMs: 2000, ...options });
  cleanup.push(() => store.close());
  return store;
};

/** A session of its own, for holding locks. */
const adminSession = async (url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  cleanup.push(() => client.end().catch(() => {}));
  return client;
};

/** Waits until `count` backends wait for a lock (so the statement holding a connection is stuck). */
const lockWaiters = (admin: pg.Client, count: number): Promise<unknown> =>
  waitFor(async () => {
    // Inside a transaction the activity view is read once and kept, unless cleared.
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    return Number(rows[0]!.n) >= count;
  }, `${count} statements to wait for a lock`);

let counter = 0;
const newRecord = (): MeetingRecord => {
  const id = `fault-${++counter}-${Date.now().toString(36)}`;
  const at = new Date().toISOString();
  return { id, title: id, createdAt: at, updatedAt: at, editKeyHash: `e-${id}`, viewKeyHash: `v-${id}` };
};

/** A writer's document: `type` returns the update of one edit. */
const writer = () => {
  const doc = new Y.Doc();
  cleanup.push(() => doc.destroy());
  return (text: string): Uint8Array => {
    let update!: Uint8Array;
    doc.once('update', (u: Uint8Array) => (update = u));
    doc.getText('notes').insert(0, text);
    return update;
  };
};

/** A meeting with `entries` log entries, and its open log. */
const meetingWithLog = async (store: PostgresStore, entries: number) => {
  const record = newRecord();
  await store.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
  const { log } = await store.openDocument(record.id);
  cleanup.push(() => log.close());
  const type = writer();
  for (let i = 0; i < entries; i++) await log.append(type(`[${i}]`));
  return { record, log, type };
};

const readyStatus = (url: string): Promise<number> => fetch(`${url}/readyz`).then((r) => (r.body?.cancel(), r.status));

describe('a PostgreSQL connection that dies while it is checked out', () => {
  it('an instance whose write connection is reset keeps running: the room closes 4503, /readyz turns red, and it serves again afterwards', async () => {
    const { proxy, proxied } = await proxiedDatabase();
    // Compaction after every second entry, so compactions hold connections too.
    const instance = await spawnInstance(await freePort(), { DATABASE_URL: proxied, MEETPAD_COMPACT_EVERY: '2', MEETPAD_PG_TIMEOUT_MS: '1000' });
    cleanup.push(() => instance.kill9());
    const meeting = await createMeeting(instance.url);
    const local = new Y.Doc();
    cleanup.push(() => local.destroy());
    const editor = await openRaw(instance.wsUrl, meeting.id, meeting.editKey, { acks: true });
    cleanup.push(() => editor.ws.terminate());
    local.on('update', (update: Uint8Array) => editor.send(syncMsg(SYNC.update, update)));
    for (let i = 0; i < 10; i++) {
      local.getText('notes').insert(0, `[${i}]`);
      await editor.until(() => editor.saved() > i);
    }

    // A write on its way: PostgreSQL's answer is held back, so its connection stays checked out.
    proxy.stall();
    const sentBefore = proxy.sent();
    local.getText('notes').insert(0, '[in flight]');
    await waitFor(() => proxy.sent() > sentBefore, 'the write to reach PostgreSQL');
    proxy.refuse();
    proxy.reset();
    proxy.unstall();
    expect((await editor.closed).code, instance.output.join('')).toBe(CLOSE.storageUnavailable);
    await waitFor(async () => (await readyStatus(instance.url)) === 503, '/readyz to turn red');
    expect(instance.process.exitCode).toBeNull();
    expect(instance.process.signalCode).toBeNull();

    proxy.accept();
    await waitFor(async () => (await readyStatus(instance.url)) === 200, '/readyz to recover', 30_000);
    // The room reloads after its back-off: until then a socket is refused or closed with 4503.
    const saveAgain = async (): Promise<boolean> => {
      const peer = await openRaw(instance.wsUrl, meeting.id, meeting.editKey, { acks: true }).catch(() => undefined);
      if (!peer) return false;
      peer.send(syncMsg(SYNC.update, Y.encodeStateAsUpdate(local)));
      await peer.until(() => peer.saved() > 0 || peer.closeCode() !== null);
      peer.ws.terminate();
      return peer.saved() > 0;
    };
    await waitFor(saveAgain, 'an edit to be saved again', 30_000);
    expect(instance.output.join('')).not.toMatch(/Unhandled 'error' event|uncaught/i);
    expect(instance.process.exitCode).toBeNull();
  });

  it('a reset under a compaction and a read fails them with StorageErrors (never an uncaught error), and the store is unhealthy until an operation succeeds', async () => {
    const { proxy, proxied } = await proxiedDatabase();
    const store = await openStore(proxied);
    const { record, log, type } = await meetingWithLog(store, 3);
    proxy.stall();
    const sentBefore = proxy.sent();
    const compaction = log.compact(new Uint8Array(), log.head);
    const read = store.readDocument(record.id);
    await waitFor(() => proxy.sent() > sentBefore, 'the compaction to reach PostgreSQL');
    proxy.reset();
    proxy.unstall();
    await expect(compaction).rejects.toBeInstanceOf(StorageError);
    await expect(read).rejects.toBeInstanceOf(StorageError);
    expect(store.writable).toBe(false);
    // The broken connections were discarded: the next operations get new ones.
    expect(await log.append(type('[after]'))).toBe(3);
    expect(store.writable).toBe(true);
    await log.compact(new Uint8Array(), log.head);
    expect((await store.readDocument(record.id)).updates).toEqual([]);
  });
});

describe('readiness on PostgreSQL', () => {
  it('a failed compaction makes the store unhealthy until the next write succeeds', async () => {
    const url = await postgres.createDatabase();
    const store = await openStore(url, { timeoutMs: 300 });
    const { record, log, type } = await meetingWithLog(store, 3);
    // Another session holds a row the compaction must delete: it times out; appends go on.
    const admin = await adminSession(url);
    await admin.query('BEGIN');
    await admin.query('SELECT 1 FROM meetpad_updates WHERE meeting_id = $1 AND seq = 0 FOR UPDATE', [record.id]);
    await expect(log.compact(new Uint8Array(), log.head)).rejects.toBeInstanceOf(StorageError);
    expect(store.writable).toBe(false);
    // A read that succeeds does not hide a failed write.
    await store.getMeeting(record.id);
    expect(store.writable).toBe(false);
    await admin.query('ROLLBACK');
    await log.append(type('[next]'));
    expect(store.writable).toBe(true);
  });

  it('a failed read (a repair, the heads of the catch-up, a load) makes the store unhealthy until an operation succeeds', async () => {
    const { proxy, proxied } = await proxiedDatabase();
    const store = await openStore(proxied);
    const { record } = await meetingWithLog(store, 2);
    proxy.refuse();
    proxy.reset();
    await expect(store.heads([record.id])).rejects.toBeInstanceOf(StorageError);
    expect(store.writable).toBe(false);
    await expect(store.readRowsAfter(record.id, 0)).rejects.toBeInstanceOf(StorageError);
    await expect(store.readDocument(record.id)).rejects.toBeInstanceOf(StorageError);
    expect(store.writable).toBe(false);
    proxy.accept();
    expect((await store.heads([record.id])).get(record.id)).toBe(1);
    expect(store.writable).toBe(true);
  });
});

describe('connections of the group commit', () => {
  it('compactions holding every other connection neither starve the group commit nor the reads', async () => {
    const url = await postgres.createDatabase();
    const store = await openStore(url, { poolSize: 3, timeoutMs: 1000 });
    const admin = await adminSession(url);
    const stuck = await Promise.all([meetingWithLog(store, 2), meetingWithLog(store, 2), meetingWithLog(store, 2)]);
    const free = await meetingWithLog(store, 0);
    await admin.query('BEGIN');
    for (const { record } of stuck) await admin.query('SELECT 1 FROM meetpad_updates WHERE meeting_id = $1 AND seq = 0 FOR UPDATE', [record.id]);
    // Three compactions that cannot finish while the lock is held (a slow fold looks the same).
    const compactions = stuck.map(({ log }) => log.compact(new Uint8Array(), log.head));
    await lockWaiters(admin, 1);
    // Meanwhile edits of another meeting commit, and meetings can still be read.
    expect(await free.log.append(free.type('[meanwhile]'))).toBe(0);
    expect(await store.getMeeting(free.record.id)).toMatchObject({ id: free.record.id });
    expect(store.writable).toBe(true);
    await admin.query('ROLLBACK');
    await Promise.all(compactions);
    for (const { record } of stuck) expect((await store.readDocument(record.id)).updates).toEqual([]);
  });
});
