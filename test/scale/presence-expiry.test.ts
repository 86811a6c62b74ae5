/**
 * The documented bound of presence expiry (README "Run several instances", GUIDE 1.10 invariant 3),
 * as behaviour on a ManualClock: two in-process instances share the clock, and instance A is cut
 * off from Redis (its proxy closes), which to the others is what a dead instance looks like. Its
 * clients' cursors stay on B up to the TTL after the last message heard from A, and are gone one
 * heartbeat later: within TTL plus one heartbeat of A's death.
 */
import { describe, expect, it } from 'vitest';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { scaleConfig, useEngines } from './scale-helpers.js';
import { startRedisFaultProxy } from './tcp-proxies.js';

const suite = useEngines();
const { cleanup } = suite;

const HEARTBEAT = 1000;
const TTL = 5000;

const join = async (server: TestServer, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

const hears = async (server: TestServer): Promise<boolean> => /^meetpad_bus_instances 1$/m.test(await (await fetch(`${server.url}/metrics`)).text());

describe('presence of a dead instance', () => {
  it('stays until the TTL after the last message heard, and is gone one heartbeat later', async () => {
    const clock = new ManualClock();
    const proxy = await startRedisFaultProxy(suite.engines.redis.port, () => false);
    cleanup.push(() => proxy.close());
    const url = await suite.engines.postgres.createDatabase();
    const bus = { busHeartbeatMs: HEARTBEAT, busPresenceTtlMs: TTL, busCatchupMs: HEARTBEAT };
    const a = await startTestServer({ config: scaleConfig(url, `redis://127.0.0.1:${proxy.port}`, bus), deps: { clock } });
    cleanup.push(() => a.close());
    const b = await startTestServer({ config: scaleConfig(url, suite.engines.redis.url, bus), deps: { clock } });
    cleanup.push(() => b.close());
    // Heartbeats go out only as the clock moves: move it a heartbeat at a time until both hear each other.
    await waitFor(async () => (await clock.advance(HEARTBEAT), (await hears(a)) && (await hears(b))), 'both instances to hear each other');

    const meeting = await createMeeting(a.url);
    const mover = await join(a, meeting.id, meeting.editKey);
    const watcher = await join(b, meeting.id, meeting.viewKey);
    mover.provider.awareness.setLocalStateField('user', { name: 'Mover', color: '#aa0000' });
    const id = mover.doc.clientID;
    const room = b.app.meetpad.registry.loadedRoom(meeting.id)!;
    await waitFor(() => room.awareness.getStates().has(id), 'B to hold the cursor');
    // The last message from A, heard at a known time (the clock stands still meanwhile; one
    // publishing connection delivers in order, so B has heard A's heartbeats up to here too).
    mover.provider.awareness.setLocalStateField('user', { name: 'Mover', color: '#bb0000' });
    await waitFor(() => (room.awareness.getStates().get(id) as { user?: { color?: string } } | undefined)?.user?.color === '#bb0000', "B to hear A's last message");
    const lastHeard = clock.now();

    await proxy.close(); // A is cut off: nothing of it reaches B any more
    await clock.advance(TTL);
    expect(clock.now() - lastHeard).toBe(TTL);
    expect(room.awareness.getStates().has(id)).toBe(true);
    await clock.advance(HEARTBEAT);
    expect(room.awareness.getStates().has(id)).toBe(false);
    await waitFor(() => !watcher.provider.awareness.getStates().has(id), 'the watcher to lose the cursor');
  });
});
