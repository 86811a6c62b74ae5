/**
 * Three instances on one PostgreSQL and one Redis, with clients on random instances of one
 * meeting: they converge, a late joiner on a fourth instance gets everything, presence crosses
 * instances (and ownership holds across them), and a deletion on one instance closes the
 * meeting's sockets on the others (4404).
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { awarenessFrame } from '../../server/collab/wire.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { seedFrom, seededRandom } from '../helpers/random.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { startInstances, waitForMesh, useEngines } from './scale-helpers.js';

const suite = useEngines();
const { cleanup } = suite;

const instances = async (count: number): Promise<{ servers: TestServer[]; more: () => Promise<TestServer> }> => {
  const url = await suite.engines.postgres.createDatabase();
  const servers = await startInstances(count, url, suite.engines.redis.url);
  cleanup.push(() => Promise.all(servers.map((server) => server.close())));
  await waitForMesh(servers);
  const more = async () => {
    const [server] = await startInstances(1, url, suite.engines.redis.url);
    cleanup.push(() => server!.close());
    return server!;
  };
  return { servers, more };
};

const join = async (server: TestServer, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

const markers = (doc: Y.Doc): number => (pageOf(doc).match(/\[a\d+r\d+\]/g) ?? []).length;

describe('three instances, no sticky sessions', () => {
  it('clients on random instances type into one meeting and converge; a late joiner on a fourth instance gets everything', async () => {
    const { servers, more } = await instances(3);
    const seed = seedFrom(process.env.SCALE_SEED);
    console.log('three instances seed', seed);
    const random = seededRandom(seed);
    const meeting = await createMeeting(servers[0]!.url, { title: 'Across instances' });
    const attendees: Attendee[] = [];
    for (let i = 0; i < 6; i++) attendees.push(await join(servers[i % 3]!, meeting.id, meeting.editKey));
    for (let round = 0; round < 30; round++) {
      for (const [n, attendee] of attendees.entries()) {
        const text = attendee.doc.getText(n % 2 ? 'notes' : 'agenda');
        // At either end, so no marker splits another.
        text.insert(random() < 0.5 ? 0 : text.length, `[a${n}r${round}]`);
      }
      if (round % 5 === 0) await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
    }
    const expected = attendees.length * 30;
    await waitFor(() => attendees.every((a) => markers(a.doc) === expected), 'every attendee to see every edit');
    expect(new Set(attendees.map((a) => pageOf(a.doc))).size).toBe(1);

    const fourth = await more();
    const late = await join(fourth, meeting.id, meeting.viewKey);
    expect(pageOf(late.doc)).toBe(pageOf(attendees[0]!.doc));
    // Nothing came only through Redis: a fresh read of PostgreSQL holds the same page.
    await fourth.app.meetpad.store.settled();
    const stored = await fourth.app.meetpad.meetings.readDoc(meeting.id);
    expect(pageOf(stored)).toBe(pageOf(attendees[0]!.doc));
    stored.destroy();
  });

  it('presence crosses instances, leaves with its client, and cannot be changed from another instance', async () => {
    const { servers } = await instances(2);
    const meeting = await createMeeting(servers[0]!.url);
    const alice = await join(servers[0]!, meeting.id, meeting.editKey);
    const bob = await join(servers[1]!, meeting.id, meeting.editKey);
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#112233' });
    await waitFor(() => (bob.provider.awareness.getStates().get(alice.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name === 'Alice', "Bob to see Alice's cursor");
    // A client on the second instance claims Alice's client id with a newer clock: ignored there.
    const room = servers[1]!.app.meetpad.registry.loadedRoom(meeting.id)!;
    expect(room.awarenessOwners.get(alice.doc.clientID)?.remoteInstance).toBeDefined();
    const spoof = new Y.Doc();
    cleanup.push(() => spoof.destroy());
    const spoofer = await joinMeeting(servers[1]!.wsUrl, meeting.id, meeting.editKey, { doc: spoof });
    cleanup.push(() => spoofer.destroy());
    const forged = new Awareness(new Y.Doc());
    cleanup.push(() => forged.destroy());
    forged.clientID = alice.doc.clientID;
    forged.meta.set(alice.doc.clientID, { clock: 1000, lastUpdated: Date.now() });
    forged.states.set(alice.doc.clientID, { user: { name: 'Mallory', color: '#000000' } });
    (spoofer.provider.ws as unknown as WebSocket).send(awarenessFrame(forged, [alice.doc.clientID]));
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#445566' });
    await waitFor(() => (alice.provider.awareness.getStates().get(bob.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name === 'Bob', "Alice to see Bob's cursor");
    expect((bob.provider.awareness.getStates().get(alice.doc.clientID) as { user: { name: string } }).user.name).toBe('Alice');
    expect((room.awareness.getStates().get(alice.doc.clientID) as { user: { name: string } }).user.name).toBe('Alice');
    // Alice leaves: her state is removed on the other instance at once (no ghost cursor).
    alice.destroy();
    await waitFor(() => !bob.provider.awareness.getStates().has(alice.doc.clientID), "Alice's cursor to disappear for Bob");
  });

  it('a meeting deleted on one instance closes its sockets on the others with 4404', async () => {
    const { servers } = await instances(3);
    const meeting = await createMeeting(servers[0]!.url);
    const far = [await join(servers[1]!, meeting.id, meeting.editKey), await join(servers[2]!, meeting.id, meeting.viewKey)];
    const closes: number[] = [];
    for (const attendee of far) attendee.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code));
    const response = await fetch(`${servers[0]!.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    await response.body?.cancel();
    expect(response.status).toBe(204);
    await waitFor(() => closes.length >= 2, 'both far sockets to close');
    expect(closes.slice(0, 2)).toEqual([CLOSE.deleted, CLOSE.deleted]);
    await waitFor(() => servers.every((server) => server.app.meetpad.registry.loadedRoom(meeting.id) === undefined), 'every instance to drop the room');
  });
  it('a deletion racing reconnects to another instance leaves no socket open there and no room loaded', async () => {
    const { servers } = await instances(2);
    const meeting = await createMeeting(servers[0]!.url);
    await join(servers[1]!, meeting.id, meeting.editKey);
    // Sockets arrive at the second instance while the first deletes the meeting.
    const racing = Array.from({ length: 8 }, (_, i) =>
      new Promise<number>((resolve) => {
        setTimeout(() => {
          const ws = new WebSocket(`${servers[1]!.wsUrl}/collab/${meeting.id}?key=${meeting.editKey}`);
          ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
          ws.on('close', (code) => resolve(code));
          ws.on('error', () => {});
        }, i * 3);
      }),
    );
    const deleted = await fetch(`${servers[0]!.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    await deleted.body?.cancel();
    expect(deleted.status).toBe(204);
    const outcomes = await Promise.all(racing);
    // Each one was refused before the upgrade (404/410) or closed as deleted: none stays open.
    for (const outcome of outcomes) expect([404, 410, CLOSE.deleted]).toContain(outcome);
    await waitFor(() => servers[1]!.app.meetpad.registry.loadedRoom(meeting.id) === undefined && servers[1]!.app.meetpad.collab.size === 0, 'the second instance to hold nothing of the meeting');
  });
  it('meetings that load while a catch-up round compares heads with PostgreSQL are not taken for deleted', async () => {
    const url = await suite.engines.postgres.createDatabase();
    // Catch-up rounds back to back, so rooms keep loading while one is in flight.
    const servers = await startInstances(2, url, suite.engines.redis.url, { busCatchupMs: 50 });
    cleanup.push(() => Promise.all(servers.map((server) => server.close())));
    const meetings = await Promise.all(Array.from({ length: 30 }, () => createMeeting(servers[0]!.url)));
    const closes: number[] = [];
    const attendees: Attendee[] = [];
    for (const [i, meeting] of meetings.entries()) {
      const attendee = await joinMeeting(servers[i % 2]!.wsUrl, meeting.id, meeting.editKey, { sync: false });
      cleanup.push(() => attendee.destroy());
      attendee.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code));
      attendees.push(attendee);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => attendees.every((a) => a.provider.synced), 'every attendee to sync');
    // Two more catch-up rounds with every room loaded.
    await new Promise((r) => setTimeout(r, 150));
    expect(closes).toEqual([]);
  });
});
