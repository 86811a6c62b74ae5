/**
 * Webhooks on several instances sharing one PostgreSQL database (GUIDE 1.10): a delivery is sent
 * by the instance that wrote it, never by every instance; once that instance is gone, another one
 * adopts its pending deliveries at its next heartbeat. Instances need one shared webhook key. Live
 * instances do not read the outbox on every heartbeat: only when one of them went silent.
 */
import { afterAll, afterEach, expect, test } from 'vitest';
import type { Config } from '../../server/config.js';
import { deliveryWrites, newDelivery } from '../../server/webhooks/outbox.js';
import { HEARTBEAT_MS, STALE_AFTER_MS } from '../../server/webhooks/ownership.js';
import { WEBHOOK_COLLECTIONS, heartbeatKey, type WebhookRecord } from '../../server/webhooks/webhook-records.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

const ADMIN = 'admin-token-for-webhook-instances';
const RETRY_MS = 1000;

let postgres: Promise<PostgresServer> | null = null;
afterAll(async () => {
  if (postgres) await (await postgres).stop();
});
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const instance = async (databaseUrl: string, clock: ManualClock, config: Partial<Config> = {}): Promise<TestServer> => {
  const server = await startTestServer({
    deps: { clock },
    config: { store: 'postgres', databaseUrl, pgPoolSize: 3, adminToken: ADMIN, webhookAllowPrivate: true, webhookRetryMs: RETRY_MS, webhookKey: 'one-key-shared-by-every-instance-0123456789', ...config },
  });
  const close = server.close;
  let closing: Promise<void> | null = null;
  server.close = (options) => (closing ??= close(options));
  cleanups.push(() => server.close());
  return server;
};

const pump = (clock: ManualClock, check: () => boolean, what: string) =>
  waitFor(async () => {
    await clock.advance(0);
    return check();
  }, what);

/** Lets an instance finish what it started (real I/O), firing its timers that fall due meanwhile. */
const idle = async (clock: ManualClock): Promise<void> => {
  for (let i = 0; i < 15; i++) {
    await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('only the instance that wrote a delivery sends it; when it stops, another adopts and delivers it with the same webhook-id', async () => {
  postgres ??= startPostgres();
  const databaseUrl = await (await postgres).createDatabase();
  const hooks = await startReceiver();
  cleanups.push(() => hooks.close());
  const [clockA, clockB] = [new ManualClock(), new ManualClock()];
  const a = await instance(databaseUrl, clockA);
  const b = await instance(databaseUrl, clockB);

  const added = await fetch(`${a.url}/api/admin/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${hooks.url}/in`, events: ['meeting.created'] }),
  });
  expect(added.status).toBe(201);
  await added.text();

  hooks.answer({ status: 503 });
  const meeting = await createMeeting(b.url, { title: 'Made on B' });
  await pump(clockB, () => hooks.received.length === 1, "B's first attempt");
  // A hears B's heartbeat: after its own heartbeats and well past the retry time, it sends nothing.
  for (let i = 0; i < 3; i++) {
    await clockA.advance(HEARTBEAT_MS);
    await idle(clockA);
  }
  expect(hooks.received).toHaveLength(1);

  await b.close();
  hooks.answer({ status: 204 });
  await clockA.advance(HEARTBEAT_MS);
  await pump(clockA, () => hooks.received.length === 2, 'A to adopt and deliver');
  expect(hooks.received[1]!.headers['webhook-id']).toBe(hooks.received[0]!.headers['webhook-id']);
  expect(JSON.parse(hooks.received[1]!.body)).toMatchObject({ type: 'meeting.created', data: { meeting: { id: meeting.id } } });
  await idle(clockA);
  expect(hooks.received).toHaveLength(2);

  // Without the shared key an instance cannot read the others' secrets: its webhook routes say so.
  const keyless = await instance(databaseUrl, new ManualClock(), { webhookKey: '' });
  const refused = await fetch(`${keyless.url}/api/admin/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${hooks.url}/in`, events: ['meeting.created'] }),
  });
  expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([403, 'webhooks_disabled']);
});

test('heartbeats of live instances do not scan the outbox; when one goes silent, the next heartbeat adopts what is left and removes its heartbeat', async () => {
  postgres ??= startPostgres();
  const databaseUrl = await (await postgres).createDatabase();
  const hooks = await startReceiver();
  cleanups.push(() => hooks.close());
  const clock = new ManualClock();
  const a = await instance(databaseUrl, clock);
  const added = await fetch(`${a.url}/api/admin/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${hooks.url}/in`, events: ['meeting.created'] }),
  });
  expect(added.status).toBe(201);
  await added.text();

  // Another instance is alive (its heartbeat is fresh), and a pending delivery names an owner long
  // gone: only a scan of the outbox would find it.
  const { store } = a.app.meetpad;
  const beats = store.collection<{ at: number }>(WEBHOOK_COLLECTIONS.instances);
  await beats.put(heartbeatKey('i_alive_for_now'), { at: clock.now() });
  const webhook = (await store.collection<WebhookRecord>(WEBHOOK_COLLECTIONS.webhooks).list('~a!'))[0]!.value;
  const orphan = newDelivery(webhook, { type: 'meeting.created', at: clock.now(), dataFor: () => ({ webhook: { id: webhook.id } }) }, 'i_long_gone');
  await store.writeRecords(deliveryWrites([orphan]));

  for (let at = HEARTBEAT_MS; at <= STALE_AFTER_MS; at += HEARTBEAT_MS) {
    await clock.advance(HEARTBEAT_MS);
    await idle(clock);
  }
  expect(hooks.received).toHaveLength(0);

  // The other instance is now silent for longer than STALE_AFTER_MS: the next heartbeat scans.
  await clock.advance(HEARTBEAT_MS);
  await pump(clock, () => hooks.received.length === 1, 'the orphaned delivery, adopted');
  expect(hooks.received[0]!.headers['webhook-id']).toBe(orphan.record.id);
  await waitFor(async () => (await beats.list()).length === 1, 'the silent instance\'s heartbeat removed');
  expect((await beats.list()).map(({ key }) => key)).not.toContain(heartbeatKey('i_alive_for_now'));
});
