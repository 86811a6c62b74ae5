/**
 * A stock y-websocket client that reconnects announces its own awareness state again at the clock
 * it left with (y-protocols bumps a removed state's clock only for its own local id). The server
 * must take that for the attendee coming back, not for an echo: otherwise it does not know the
 * attendee's name (presence, attendance) and attributes the offline edits sent at once to nobody.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { AuthorMap, type AuthorMapData } from '../../shared/author-map.js';
import { notesOf } from '../../shared/doc-schema.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, closeRaw, openRaw, roundTrip } from '../hostile/hostile-helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const started = async (): Promise<TestServer> => {
  const server = await startTestServer({});
  cleanups.push(() => server.close());
  return server;
};

const state = (name: string) => JSON.stringify({ user: { name, color: '#336699' } });

describe('an attendee who reconnects', () => {
  it('is known again at once when its first awareness message re-announces its id at the old clock', async () => {
    const server = await started();
    const meeting = await createMeeting(server.url, { title: 'Reconnects' });
    const first = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    first.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(first)).toBe(true);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await closeRaw(first);
    await waitFor(() => !room.awareness.states.has(4242), 'the state to be removed');

    const again = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    again.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(again)).toBe(true);
    expect(room.awareness.states.get(4242)).toEqual({ user: { name: 'Anna', color: '#336699' } });
    const peer = room.awarenessOwners.get(4242);
    expect(peer && room.namesOf(peer)).toEqual(['Anna']);

    // Only a connection's first message can be a return: later, the same clock is an echo.
    const echoing = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    echoing.send(awarenessMsg(awarenessPayload([{ clientId: 5151, clock: 1, json: state('Ben') }])));
    expect(await roundTrip(echoing)).toBe(true);
    await closeRaw(again);
    await waitFor(() => !room.awareness.states.has(4242), 'the state to be removed again');
    echoing.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(echoing)).toBe(true);
    expect(room.awareness.states.has(4242)).toBe(false);
    expect(room.awarenessOwners.has(4242)).toBe(false);
    await closeRaw(echoing);
  });

  it('does not take the echo of a state that left after the connection joined for a return', async () => {
    const server = await started();
    const meeting = await createMeeting(server.url, { title: 'Echo race' });
    const anna = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    anna.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(anna)).toBe(true);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    // Bob (a stock client without a local state) joins and is sent Anna's state; Anna leaves
    // before Bob's first awareness message, which echoes that state.
    const bob = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    expect(await roundTrip(bob)).toBe(true);
    await closeRaw(anna);
    await waitFor(() => !room.awareness.states.has(4242), 'the state to be removed');
    bob.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(bob)).toBe(true);
    expect(room.awareness.states.has(4242)).toBe(false);
    expect(room.awarenessOwners.has(4242)).toBe(false);

    // Anna's real return, on a connection opened after she left, is still accepted.
    const back = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    back.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 3, json: state('Anna') }])));
    expect(await roundTrip(back)).toBe(true);
    const owner = room.awarenessOwners.get(4242);
    expect(owner && room.namesOf(owner)).toEqual(['Anna']);
    await closeRaw(back);
    await closeRaw(bob);
  });

  it("never lets a connection claim the room's own awareness client id", async () => {
    const server = await started();
    const meeting = await createMeeting(server.url, { title: 'Own id' });
    const mallory = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    expect(await roundTrip(mallory)).toBe(true);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    const own = room.awareness.clientID;
    const clock = room.awareness.meta.get(own)!.clock;
    // At the room's clock (what a return looks like) and past it (what a new state looks like).
    mallory.send(awarenessMsg(awarenessPayload([{ clientId: own, clock, json: state('Server') }])));
    expect(await roundTrip(mallory)).toBe(true);
    mallory.send(awarenessMsg(awarenessPayload([{ clientId: own, clock: clock + 1, json: state('Server') }])));
    expect(await roundTrip(mallory)).toBe(true);
    expect(room.awareness.getLocalState()).toBeNull();
    expect(room.awarenessOwners.has(own)).toBe(false);
    await closeRaw(mallory);
  });

  it("keeps the name for the offline edits a stock provider sends when it reconnects", async () => {
    const server = await started();
    const meeting = await createMeeting(server.url, { markdown: '# Agenda\n\n# Notes\n\nSeeded. ' });
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalStateField('user', { name: 'Anna', color: '#336699' });
    const provider = new WebsocketProvider(`${server.wsUrl}/collab`, meeting.id, doc, {
      params: { key: meeting.editKey },
      awareness,
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
    });
    cleanups.push(() => {
      provider.destroy();
      doc.destroy();
    });
    const annaHere = (): boolean => {
      const room = server.app.meetpad.registry.loadedRoom(meeting.id);
      return !!room && [...room.peers].some((peer) => room.namesOf(peer).includes('Anna'));
    };
    await waitFor(() => provider.synced && annaHere(), 'Anna to be synced and known');
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    notesOf(doc).insert(notesOf(doc).length, 'online. ');
    await waitFor(() => notesOf(room.doc).toString().includes('online.'), 'the online edit');

    provider.disconnect();
    await waitFor(() => room.peers.size === 0, 'Anna to be gone');
    notesOf(doc).insert(notesOf(doc).length, 'offline. ');
    provider.connect();
    await waitFor(() => notesOf(room.doc).toString().includes('offline.'), 'the offline edit');
    await room.quiet();
    expect(annaHere()).toBe(true);

    const response = await fetch(`${server.url}/api/meetings/${meeting.id}/authorship?key=${meeting.viewKey}`);
    expect(response.status).toBe(200);
    const map = new AuthorMap((await response.json()) as AuthorMapData);
    const end = Y.getState(doc.store, doc.clientID);
    expect(map.segments(doc.clientID, 0, end)).toEqual([{ len: end, author: 'Anna' }]);
  });
});
