/**
 * What one meeting's room on each of two instances must agree on: the document size limit counts
 * what the other instance wrote (a paste that would pass it is refused whole, 1009, wherever it is
 * made), and a room that fails on one instance takes its clients' cursors away on the other at
 * once (the failing instance still heartbeats, so the TTL would never clear them).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { storedBytes } from '../../server/storage/stored-document.js';
import { joinMeeting, pageOf, type Attendee } from '../helpers/clients.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { startInstances, waitForMesh, useEngines } from './scale-helpers.js';

const suite = useEngines();
const { cleanup } = suite;

const join = async (server: TestServer, id: string, key: string): Promise<{ attendee: Attendee; closes: number[] }> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  const closes: number[] = [];
  attendee.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code));
  return { attendee, closes };
};

const KIB = 1024;

describe('one meeting on two instances', () => {
  it('the size limit counts what the other instance wrote: the second 40 KiB paste under a 64 KiB limit is refused whole (1009)', async () => {
    const url = await suite.engines.postgres.createDatabase();
    const [a, b] = await startInstances(2, url, suite.engines.redis.url, { maxDocBytes: 64 * KIB });
    cleanup.push(() => Promise.all([a!.close(), b!.close()]));
    await waitForMesh([a!, b!]);
    const meeting = await createMeeting(a!.url);
    const onA = await join(a!, meeting.id, meeting.editKey);
    const onB = await join(b!, meeting.id, meeting.editKey);
    onA.attendee.doc.getText('notes').insert(0, 'a'.repeat(40 * KIB));
    await waitFor(() => pageOf(onB.attendee.doc).includes('a'.repeat(40 * KIB)), 'the first paste to reach the second instance');
    onB.attendee.provider.shouldConnect = false;
    onB.attendee.doc.getText('notes').insert(0, 'b'.repeat(40 * KIB));
    await waitFor(() => onB.closes.length > 0, 'the second paste to be refused');
    expect(onB.closes[0]).toBe(CLOSE.tooLarge);
    expect(onA.closes).toEqual([]);
    await a!.app.meetpad.store.settled();
    await b!.app.meetpad.store.settled();
    const stored = await a!.app.meetpad.store.readDocument(meeting.id);
    expect(storedBytes(stored)).toBeLessThanOrEqual(64 * KIB);
    const doc = await a!.app.meetpad.meetings.readDoc(meeting.id);
    cleanup.push(() => doc.destroy());
    expect(pageOf(doc)).not.toContain('b');
  });

  it("a room that fails on one instance removes its clients' cursors on the other at once", async () => {
    const url = await suite.engines.postgres.createDatabase();
    const [x, y] = await startInstances(2, url, suite.engines.redis.url);
    cleanup.push(() => Promise.all([x!.close(), y!.close()]));
    await waitForMesh([x!, y!]);
    const meeting = await createMeeting(x!.url);
    const mover = await join(x!, meeting.id, meeting.editKey);
    const watcher = await join(y!, meeting.id, meeting.viewKey);
    mover.attendee.provider.awareness.setLocalStateField('user', { name: 'Mover', color: '#aa0000' });
    const id = mover.attendee.doc.clientID;
    await waitFor(() => watcher.attendee.provider.awareness.getStates().has(id), 'the watcher to see the cursor');
    // From now on PostgreSQL refuses every new row of this meeting: X's next append fails.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanup.push(() => client.end());
    await client.query(`CREATE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await client.query(`CREATE TRIGGER refuse_rows BEFORE INSERT ON meetpad_updates FOR EACH ROW WHEN (NEW.meeting_id = '${meeting.id}') EXECUTE FUNCTION refuse_rows()`);
    mover.attendee.provider.shouldConnect = false;
    mover.attendee.doc.getText('notes').insert(0, 'refused');
    await waitFor(() => mover.closes.length > 0, "the mover's socket to close");
    expect(mover.closes[0]).toBe(CLOSE.storageUnavailable);
    expect(x!.app.meetpad.registry.stateOf(meeting.id)).toBe('failed');
    // Long before the awareness timeout (30 s) and with X still heartbeating.
    const room = y!.app.meetpad.registry.loadedRoom(meeting.id)!;
    await waitFor(() => !room.awareness.getStates().has(id), 'the cursor to be removed on the other instance');
    await waitFor(() => !watcher.attendee.provider.awareness.getStates().has(id), 'the watcher to lose the cursor');
  });
});
