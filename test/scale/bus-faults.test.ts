/**
 * What an unlucky world does to the engines under several instances: Redis killed and restarted
 * in the middle of a session, Redis pub/sub messages dropped on purpose (a fault-injecting proxy),
 * PostgreSQL unavailable for a while. Redis is only the fast path: nothing is lost and every
 * instance converges; without PostgreSQL rooms refuse edits (4503), nothing acknowledged is lost,
 * and service resumes when it returns.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { mulberry32, openRaw, syncMsg } from '../hostile/hostile-helpers.js';
import { startInstances, waitForMesh, useEngines } from './scale-helpers.js';
import { startRedisFaultProxy } from './tcp-proxies.js';

const suite = useEngines();
const { cleanup } = suite;

const instances = async (count: number, redisUrl = suite.engines.redis.url): Promise<TestServer[]> => {
  const servers = await startInstances(count, await suite.engines.postgres.createDatabase(), redisUrl);
  cleanup.push(() => Promise.all(servers.map((server) => server.close())));
  return servers;
};

const join = async (server: TestServer, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

/** Each attendee types `count` markers of its own, a few at a time. */
const typeMarkers = async (attendees: Attendee[], label: string, count: number): Promise<void> => {
  for (let i = 0; i < count; i++) {
    for (const [n, attendee] of attendees.entries()) attendee.doc.getText('notes').insert(0, `[${label}${n}:${i}]`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const expectAllHave = (attendees: Attendee[], label: string, count: number): boolean =>
  attendees.every((attendee) => {
    const page = pageOf(attendee.doc);
    for (let n = 0; n < attendees.length; n++) for (let i = 0; i < count; i++) if (!page.includes(`[${label}${n}:${i}]`)) return false;
    return true;
  });

const metric = async (server: TestServer, pattern: RegExp): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
};

describe('Redis is only the fast path', () => {
  it('Redis killed and restarted mid-session: nothing is lost and every instance converges', async () => {
    const servers = await instances(3);
    await waitForMesh(servers);
    const meeting = await createMeeting(servers[0]!.url);
    const attendees = await Promise.all(servers.map((server) => join(server, meeting.id, meeting.editKey)));
    await typeMarkers(attendees, 'before', 10);
    await waitFor(() => expectAllHave(attendees, 'before', 10), 'everyone to see the first edits');
    await suite.engines.redis.kill();
    await typeMarkers(attendees, 'down', 10);
    // Without Redis, the catch-up rounds against PostgreSQL carry every edit.
    await waitFor(() => expectAllHave(attendees, 'down', 10), 'everyone to see the edits made while Redis was down');
    await suite.engines.redis.restart();
    await typeMarkers(attendees, 'after', 10);
    await waitFor(() => expectAllHave(attendees, 'after', 10), 'everyone to see the edits made after the restart');
    await waitFor(() => new Set(attendees.map((a) => pageOf(a.doc))).size === 1, 'every page to be equal');
    await waitFor(async () => (await Promise.all(servers.map((server) => metric(server, /^meetpad_redis_up (\d+)/gm)))).every((up) => up === 1), 'every instance to be back on Redis');
    expect((await Promise.all(servers.map((server) => metric(server, /^meetpad_bus_gap_repairs_total\{reason="(?:silence|reconnect)"\} (\d+)/gm)))).some((n) => n > 0)).toBe(true);
  });

  it('pub/sub messages dropped on purpose delay updates, never lose them', async () => {
    let drops = false;
    // A third of the messages lost while `drops`, at seeded random (a fixed "every third" can line
    // up with the instances' heartbeat order and silence one instance for good), from once the
    // instances hear each other until the end, where the last ones get through.
    const lose = mulberry32(1311);
    const proxy = await startRedisFaultProxy(suite.engines.redis.port, () => drops && lose() < 1 / 3);
    cleanup.push(() => proxy.close());
    const servers = await instances(3, `redis://127.0.0.1:${proxy.port}`);
    await waitForMesh(servers);
    drops = true;
    const meeting = await createMeeting(servers[0]!.url);
    const attendees = await Promise.all(servers.map((server) => join(server, meeting.id, meeting.editKey)));
    await typeMarkers(attendees, 'lossy', 40);
    await waitFor(() => expectAllHave(attendees, 'lossy', 40), 'everyone to see every edit despite the losses');
    drops = false;
    await waitFor(() => new Set(attendees.map((a) => pageOf(a.doc))).size === 1, 'every page to be equal');
    expect(proxy.dropped()).toBeGreaterThan(20);
    const repaired = await Promise.all(servers.map((server) => metric(server, /^meetpad_bus_repaired_rows_total (\d+)/gm)));
    expect(repaired.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('PostgreSQL unavailable for a while', () => {
  it('rooms refuse edits (4503) and /readyz turns red; nothing acknowledged is lost; service resumes when it returns', async () => {
    const servers = await instances(2);
    const meeting = await createMeeting(servers[0]!.url);
    const watcher = await join(servers[1]!, meeting.id, meeting.viewKey);
    // A raw client that asks for acknowledgements: "saved" means committed in PostgreSQL.
    const local = new Y.Doc();
    cleanup.push(() => local.destroy());
    Y.applyUpdate(local, Y.encodeStateAsUpdate(watcher.doc));
    const acked = await openRaw(servers[0]!.wsUrl, meeting.id, meeting.editKey, { acks: true });
    cleanup.push(() => acked.ws.terminate());
    const sent: string[] = [];
    local.on('update', (update: Uint8Array) => acked.ws.readyState === acked.ws.OPEN && acked.send(syncMsg(SYNC.update, update)));
    for (let i = 0; i < 20; i++) {
      sent.push(`[acked:${i}]`);
      local.getText('notes').insert(0, sent.at(-1)!);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => acked.saved() >= 20, 'every edit to be acknowledged');
    const ackedMarkers = sent.slice(0, acked.saved());

    await suite.engines.postgres.pause();
    local.getText('notes').insert(0, '[while-down]');
    expect((await acked.closed).code).toBe(CLOSE.storageUnavailable);
    await waitFor(async () => (await fetch(`${servers[0]!.url}/readyz`).then((r) => (r.body?.cancel(), r.status))) === 503, 'readiness to turn red');

    await suite.engines.postgres.resume();
    await waitFor(async () => (await fetch(`${servers[0]!.url}/readyz`).then((r) => (r.body?.cancel(), r.status))) === 200, 'readiness to recover', 30_000);
    // The room reloads after its back-off; a client that reconnects is served and can edit again.
    const again = await joinMeeting(servers[0]!.wsUrl, meeting.id, meeting.editKey, { sync: false });
    cleanup.push(() => again.destroy());
    await waitFor(() => again.provider.synced, 'a client to be served again', 30_000);
    again.doc.getText('notes').insert(0, '[after-return]');
    await waitFor(() => watcher.doc.getText('notes').toString().includes('[after-return]'), 'the edit after the return to reach the other instance', 30_000);
    const page = watcher.doc.getText('notes').toString();
    for (const marker of ackedMarkers) expect(page).toContain(marker);
  });
});
