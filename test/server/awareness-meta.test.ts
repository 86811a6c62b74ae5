/**
 * Bounded presence memory: y-protocols never deletes a departed client's `awareness.meta` entry;
 * the room forgets it DEPARTED_META_MS after the client left (server/collab/awareness-meta.ts),
 * and until then the echo filter still recognises the stale echoes of its states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceRelay } from '../../server/bus/presence-relay.js';
import { DEPARTED_META_MS } from '../../server/collab/awareness-meta.js';
import type { Room } from '../../server/collab/room.js';
import { MESSAGE } from '../../shared/protocol.js';
import { readAwarenessEntries } from '../../shared/awareness-wire.js';
import * as decoding from 'lib0/decoding';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, closeRaw, openRaw, roundTrip, type RawPeer } from '../hostile/hostile-helpers.js';

const RECONNECTS = 10_000;
const WATCHER_ID = 7;
const PARALLEL = 50;
const state = (name: string) => JSON.stringify({ user: { name, color: '#336699' } });

/** The awareness entries of every awareness frame `peer` received from index `from` on. */
const awarenessSeen = (peer: RawPeer, from = 0) =>
  peer.frames.slice(from).flatMap((frame) => {
    if (frame[0] !== MESSAGE.awareness) return [];
    const decoder = decoding.createDecoder(frame);
    decoding.readVarUint(decoder);
    return readAwarenessEntries(decoding.readVarUint8Array(decoder));
  });

describe('awareness entries of departed clients', () => {
  const clock = new ManualClock();
  let server: TestServer;
  let meeting: CreatedMeeting;
  let watcher: RawPeer;
  let room: Room;

  beforeAll(async () => {
    server = await startTestServer({ deps: { clock }, config: { maxConnectionsPerAddress: 1000 } });
    meeting = await createMeeting(server.url, { title: 'Churn' });
    // Holds the room loaded (and active: its idle timer never starts) through all the churn.
    watcher = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    // A stock client announces its own state first (what tells a reconnect from an echo).
    watcher.send(awarenessMsg(awarenessPayload([{ clientId: WATCHER_ID, clock: 1, json: state('Watcher') }])));
    await roundTrip(watcher);
    room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
  });

  afterAll(async () => {
    await closeRaw(watcher);
    await server?.close();
  });

  it(`stay bounded over ${RECONNECTS.toLocaleString('en')} reconnects with fresh client ids`, async () => {
    const baseline = room.awareness.meta.size;
    let largest = 0;
    const visit = async (n: number): Promise<void> => {
      const peer = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
      const clientId = 1_000_000 + n;
      peer.send(awarenessMsg(awarenessPayload([{ clientId, clock: 1, json: state(`visitor ${n}`) }])));
      // Half clear their state before leaving (as y-websocket does on unload): a null state leaves an entry too.
      if (n % 2) peer.send(awarenessMsg(awarenessPayload([{ clientId, clock: 2, json: 'null' }])));
      expect(await roundTrip(peer)).toBe(true);
      await closeRaw(peer);
    };
    for (let batch = 0; batch < RECONNECTS / 1000; batch++) {
      for (let n = batch * 1000; n < (batch + 1) * 1000; n += PARALLEL) {
        await Promise.all(Array.from({ length: PARALLEL }, (_, i) => visit(n + i)));
      }
      await waitFor(() => server.app.meetpad.collab.size === 1, 'the visitors to be gone');
      largest = Math.max(largest, room.awareness.meta.size);
      await clock.advance(DEPARTED_META_MS);
    }
    // At most one batch of departures is remembered at a time, and none once the delay has passed.
    expect(largest).toBeGreaterThan(baseline);
    expect(largest).toBeLessThanOrEqual(baseline + 1000);
    expect(room.awareness.meta.size).toBe(baseline);
    expect([...room.awarenessOwners.keys()]).toEqual([WATCHER_ID]);
    expect(await roundTrip(watcher)).toBe(true);
  }, 120_000);

  it('a stale echo of a departed client, within the delay, is not taken for a new state', async () => {
    const first = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    const oldId = 42_001;
    first.send(awarenessMsg(awarenessPayload([{ clientId: oldId, clock: 3, json: state('Ada') }])));
    await roundTrip(first);
    await watcher.until(() => awarenessSeen(watcher).some((e) => e.clientId === oldId && e.json !== 'null'));
    await closeRaw(first);
    await watcher.until(() => awarenessSeen(watcher).some((e) => e.clientId === oldId && e.json === 'null'));

    // She comes back at once with a fresh id, while the watcher (a stock client) echoes her old
    // state and its removal, late.
    await clock.advance(DEPARTED_META_MS / 2);
    const again = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    const newId = 42_002;
    again.send(awarenessMsg(awarenessPayload([{ clientId: newId, clock: 1, json: state('Ada') }])));
    await roundTrip(again);
    const seenFrom = again.frames.length;
    const watcherFrom = watcher.frames.length;
    watcher.send(awarenessMsg(awarenessPayload([{ clientId: oldId, clock: 3, json: state('Ada') }])));
    watcher.send(awarenessMsg(awarenessPayload([{ clientId: oldId, clock: 3, json: 'null' }])));
    expect(await roundTrip(watcher)).toBe(true);
    expect(await roundTrip(again)).toBe(true);
    // A relayed echo would wait for the room's next presence frame (at most 100 ms, or the next
    // edit): a change of her new state forces that frame, and anything pending goes with it.
    again.send(awarenessMsg(awarenessPayload([{ clientId: newId, clock: 2, json: state('Ada B.') }])));
    await watcher.until(() => awarenessSeen(watcher, watcherFrom).some((e) => e.clientId === newId && e.json.includes('Ada B.')));
    expect(room.awareness.states.has(oldId)).toBe(false);
    expect(room.awarenessOwners.has(oldId)).toBe(false);
    expect(awarenessSeen(again, seenFrom).filter((e) => e.clientId === oldId)).toEqual([]);
    expect(awarenessSeen(watcher, watcherFrom).filter((e) => e.clientId === oldId)).toEqual([]);
    expect(room.awareness.states.has(newId)).toBe(true);

    // Past the delay the old entry is forgotten and the present one kept; an echo of the removal
    // arriving even later still claims nothing.
    await clock.advance(DEPARTED_META_MS);
    expect(room.awareness.meta.has(oldId)).toBe(false);
    expect(room.awareness.meta.has(newId)).toBe(true);
    watcher.send(awarenessMsg(awarenessPayload([{ clientId: oldId, clock: 3, json: 'null' }])));
    expect(await roundTrip(watcher)).toBe(true);
    expect(room.awarenessOwners.has(oldId)).toBe(false);
    expect(room.awareness.meta.has(oldId)).toBe(false);
    await closeRaw(again);
    await clock.advance(DEPARTED_META_MS);
    expect(room.awareness.meta.has(newId)).toBe(false);
  });

  it("other instances' departed clients are forgotten too", async () => {
    const relay = new PresenceRelay(room, () => {});
    const baseline = room.awareness.meta.size;
    try {
      for (let n = 0; n < 2000; n++) {
        const clientId = 5_000_000 + n;
        relay.receive('instance-b', awarenessPayload([{ clientId, clock: 1, json: state(`remote ${n}`) }]));
        // Alternately: the client left over there, or it never had a state here (a removal of nothing).
        if (n % 2) relay.receive('instance-b', awarenessPayload([{ clientId, clock: 2, json: 'null' }]));
        relay.receive('instance-b', awarenessPayload([{ clientId: 6_000_000 + n, clock: 2, json: 'null' }]));
      }
      relay.expire('instance-b');
      expect(room.awareness.meta.size).toBeGreaterThan(baseline);
      await clock.advance(DEPARTED_META_MS);
      expect(room.awareness.meta.size).toBe(baseline);
      expect([...room.awarenessOwners.keys()]).toEqual([WATCHER_ID]);
    } finally {
      relay.stop();
    }
  });
});
