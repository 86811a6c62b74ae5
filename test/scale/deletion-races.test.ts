/**
 * Deletion across instances when the bus message saying so never arrives (a fault proxy in front
 * of Redis drops it): the other instance still closes the meeting's sockets with 4404, through its
 * catch-up round against PostgreSQL; and a client that types there before it knows finds the
 * meeting gone: 4404 as well, not a storage failure (no 4503, no failure counted, no back-off,
 * readiness green).
 */
import { describe, expect, it } from 'vitest';
import { BUS_MESSAGE } from '../../server/bus/bus-wire.js';
import type { Config } from '../../server/config.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { scaleConfig, waitForMesh, useEngines } from './scale-helpers.js';
import { startRedisFaultProxy } from './tcp-proxies.js';

const suite = useEngines();
const { cleanup } = suite;

/** Instance A on Redis, instance B behind a proxy that loses every `deleted` message. */
const instances = async (overrides: Partial<Config> = {}): Promise<{ a: TestServer; b: TestServer; lost: () => number; logOfB: Array<{ level: number; msg: string }> }> => {
  const proxy = await startRedisFaultProxy(suite.engines.redis.port, ({ payload }) => payload[0] === BUS_MESSAGE.deleted);
  cleanup.push(() => proxy.close());
  const url = await suite.engines.postgres.createDatabase();
  const a = await startTestServer({ config: scaleConfig(url, suite.engines.redis.url, overrides) });
  cleanup.push(() => a.close());
  const logOfB: Array<{ level: number; msg: string }> = [];
  const logStream = { write: (line: string) => void logOfB.push(JSON.parse(line) as { level: number; msg: string }) };
  const b = await startTestServer({ config: scaleConfig(url, `redis://127.0.0.1:${proxy.port}`, { logLevel: 'info', ...overrides }), deps: { logStream } });
  cleanup.push(() => b.close());
  await waitForMesh([a, b]);
  return { a, b, lost: proxy.dropped, logOfB };
};

const join = async (server: TestServer, id: string, key: string): Promise<{ attendee: Attendee; closes: number[] }> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  const closes: number[] = [];
  attendee.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code));
  return { attendee, closes };
};

const remove = async (server: TestServer, id: string, key: string): Promise<void> => {
  const response = await fetch(`${server.url}/api/meetings/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  expect(response.status).toBe(204);
};

const metric = async (server: TestServer, name: string): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};

describe('deletion without its bus message', () => {
  it('closes the sockets on the other instance (4404) through the catch-up against PostgreSQL', async () => {
    const { a, b, lost } = await instances();
    const meeting = await createMeeting(a.url);
    const far = await join(b, meeting.id, meeting.viewKey);
    await remove(a, meeting.id, meeting.editKey);
    await waitFor(() => far.closes.length > 0, 'the socket on the other instance to close');
    expect(far.closes[0]).toBe(CLOSE.deleted);
    expect(lost()).toBeGreaterThan(0);
    await waitFor(() => b.app.meetpad.registry.stateOf(meeting.id) === 'unloaded', 'the other instance to drop the room');
  });

  it('an edit on the other instance before it knows: 4404, no storage failure, no back-off, readiness green', async () => {
    // No catch-up round during the test: only the edit can find out.
    const { a, b, lost, logOfB } = await instances({ busCatchupMs: 600_000 });
    const meeting = await createMeeting(a.url);
    const far = await join(b, meeting.id, meeting.editKey);
    await remove(a, meeting.id, meeting.editKey);
    await waitFor(() => lost() > 0, 'the deletion message to be lost');
    expect(b.app.meetpad.registry.stateOf(meeting.id)).toBe('active');
    // Typed a moment after the deletion committed: PostgreSQL refuses the append (the meeting is gone).
    far.attendee.provider.shouldConnect = false;
    far.attendee.doc.getText('notes').insert(0, 'too late');
    await waitFor(() => far.closes.length > 0, 'the socket to close');
    expect(far.closes[0]).toBe(CLOSE.deleted);
    await waitFor(() => b.app.meetpad.registry.stateOf(meeting.id) === 'unloaded', 'the room to unload (not to wait out a back-off)');
    expect(await metric(b, 'meetpad_room_storage_failures_total')).toBe(0);
    // Logged as what it is (pino: 50 is error), not as a storage failure.
    expect(logOfB.filter((line) => line.level >= 50)).toEqual([]);
    expect(logOfB.map((line) => line.msg)).toContain('the meeting was deleted on another instance; closing its sockets');
    const ready = await fetch(`${b.url}/readyz`);
    await ready.body?.cancel();
    expect(ready.status).toBe(200);
  });
});
