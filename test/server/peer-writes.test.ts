/**
 * What one peer is sent within a tick leaves in one socket write (server/collab/peer-socket.ts),
 * complete and in order, and the per-connection state stays small: the upgrade request is not kept
 * alive by the socket's listeners. Real server, real LevelDB, the stock y-websocket client.
 */
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { type Attendee, joinMeeting, updateOfFrame } from '../helpers/clients.js';
import { type TestServer, createMeeting, startTestServer, waitFor } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, openRaw, type RawPeer, syncMsg } from '../hostile/hostile-helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const server = async (): Promise<TestServer> => {
  // No pings during a test: a ping would be a write of its own.
  const started = await startTestServer({ config: { pingIntervalMs: 600_000 } });
  cleanup.push(() => started.close());
  return started;
};

const attend = async (wsUrl: string, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  return attendee;
};

const raw = async (...args: Parameters<typeof openRaw>): Promise<RawPeer> => {
  const peer = await openRaw(...args);
  cleanup.push(() => peer.ws.terminate());
  return peer;
};

/** The client side's TCP socket of a ws WebSocket (ws keeps it as `_socket`). */
const tcpOf = (ws: unknown): Socket => (ws as { _socket: Socket })._socket;

/** Every server-side socket accepted from now on, by the client's port. */
const acceptedSockets = (target: TestServer): Map<number, Socket> => {
  const sockets = new Map<number, Socket>();
  target.app.server.on('connection', (socket: Socket) => sockets.set(socket.remotePort!, socket));
  return sockets;
};

/** Records each write the server makes on `socket` (a write or writev is one hand-off to the kernel). */
const recordWrites = (socket: Socket): Buffer[][] => {
  const writes: Buffer[][] = [];
  const stream = socket as unknown as {
    _write(chunk: Buffer, encoding: string, callback: () => void): void;
    _writev(chunks: Array<{ chunk: Buffer }>, callback: () => void): void;
  };
  const write = stream._write.bind(socket);
  const writev = stream._writev.bind(socket);
  stream._write = (chunk, encoding, callback) => {
    writes.push([chunk]);
    write(chunk, encoding, callback);
  };
  stream._writev = (chunks, callback) => {
    writes.push(chunks.map((c) => c.chunk));
    writev(chunks, callback);
  };
  return writes;
};

/** Splits unmasked server-to-client WebSocket frames (payloads under 64 KiB) into their opcode and payload. */
const wsFrames = (bytes: Buffer): Array<{ opcode: number; payload: Buffer }> => {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  for (let at = 0; at < bytes.length; ) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    }
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
};

describe('frames to one peer within a tick', () => {
  test("a typist's edit and its cursor reach another attendee in one write, update first, both complete", async () => {
    const target = await server();
    const sockets = acceptedSockets(target);
    const meeting = await createMeeting(target.url);
    const observer = await attend(target.wsUrl, meeting.id, meeting.editKey);
    const serverSide = sockets.get(tcpOf(observer.provider.ws).localPort!)!;
    expect(serverSide).toBeDefined();

    const typist = await raw(target.wsUrl, meeting.id, meeting.editKey);
    const doc = new Y.Doc();
    notesOf(doc).insert(0, 'typed in one read with its cursor');
    const update = Y.encodeStateAsUpdate(doc);
    const presence = awarenessPayload([{ clientId: doc.clientID, clock: 1, json: '{"user":{"name":"Typist at 33","color":"#aa5500"}}' }]);

    const writes = recordWrites(serverSide);
    // Both frames in one TCP write, as a browser's keystroke and cursor usually arrive.
    const tcp = tcpOf(typist.ws);
    tcp.cork();
    typist.send(syncMsg(SYNC.update, update));
    typist.send(awarenessMsg(presence));
    tcp.uncork();

    await waitFor(() => notesOf(observer.doc).toString().includes('typed in one read with its cursor') && observer.provider.awareness.getStates().has(doc.clientID), 'the edit and the cursor to arrive');
    expect(observer.provider.awareness.getStates().get(doc.clientID)).toEqual({ user: { name: 'Typist at 33', color: '#aa5500' } });
    // One write, holding the update frame and then the awareness frame, nothing cut.
    expect(writes).toHaveLength(1);
    const frames = wsFrames(Buffer.concat(writes[0]!));
    expect(frames.map((f) => f.payload[0])).toEqual([0, 1]); // MESSAGE.sync, MESSAGE.awareness
    expect(frames.every((f) => f.opcode === 2)).toBe(true);
    expect(frames[0]!.payload[1]).toBe(SYNC.update);
  });

  test('a burst of edits from several typists reaches every attendee complete and in order', async () => {
    const target = await server();
    const meeting = await createMeeting(target.url);
    const typists = await Promise.all([0, 1, 2].map(() => attend(target.wsUrl, meeting.id, meeting.editKey)));
    const watchers = await Promise.all([0, 1].map(() => attend(target.wsUrl, meeting.id, meeting.editKey)));
    const orders = watchers.map(() => [] as string[]);
    watchers.forEach((watcher, w) => notesOf(watcher.doc).observe(() => orders[w]!.push(notesOf(watcher.doc).toString())));
    for (let i = 0; i < 60; i++) {
      const typist = typists[i % 3]!;
      notesOf(typist.doc).insert(notesOf(typist.doc).length, `${i % 3}:${i} `);
      typist.provider.awareness.setLocalStateField('user', { name: `typist at ${i}`, color: '#aa5500' });
    }
    const expected = (doc: Y.Doc): string => notesOf(doc).toString();
    const words = (doc: Y.Doc): string[] => expected(doc).split(/\s+/).filter((word) => /^\d:\d+$/.test(word));
    await waitFor(() => [...typists, ...watchers].every((a) => expected(a.doc) === expected(typists[0]!.doc)) && words(typists[0]!.doc).length === 60, 'everyone to converge');
    // Each typist's own text arrived in the order it was typed, at every watcher.
    for (const watcher of watchers) {
      for (const t of [0, 1, 2]) {
        const mine = words(watcher.doc).filter((word) => word.startsWith(`${t}:`)).map((word) => Number(word.slice(2)));
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
        expect(mine).toHaveLength(20);
      }
    }
    // Each typist's latest presence reached every watcher.
    for (const watcher of watchers) {
      await waitFor(() => typists.every((typist, t) => watcher.provider.awareness.getStates().get(typist.doc.clientID)?.user?.name === `typist at ${57 + t}`), 'the latest presence of every typist');
    }
    expect(orders.every((o) => o.length > 0)).toBe(true);
  });

  test('frames sent in the same tick as a refusal still arrive, and so does the close code', async () => {
    const target = await server();
    const meeting = await createMeeting(target.url);
    // Sent at once, before the meeting has loaded: the server queues it, then on load sends its
    // sync step 1 and refuses the queued frame within the same tick.
    const peer = await raw(target.wsUrl, meeting.id, meeting.editKey);
    peer.send(new Uint8Array([99]));
    const { code } = await peer.closed;
    expect(code).toBe(CLOSE.policy);
    expect(peer.frames[0]?.[0]).toBe(0); // MESSAGE.sync: step 1 went out before the close frame
    expect(peer.frames[0]?.[1]).toBe(SYNC.step1);
  });
});

describe('frames from one peer within a socket read', () => {
  test('a burst of keystrokes in one TCP write is applied in one transaction, fanned out as one update, and every frame acknowledged', async () => {
    const target = await server();
    const meeting = await createMeeting(target.url);
    const observer = await raw(target.wsUrl, meeting.id, meeting.viewKey);
    const typist = await raw(target.wsUrl, meeting.id, meeting.editKey, { acks: true });
    // Joined once the server's sync step 1 arrived.
    await Promise.all([observer, typist].map((peer) => peer.until(() => peer.frames.length > 0)));
    const room = target.app.meetpad.registry.loadedRoom(meeting.id)!;
    // Built by a first edit, so the burst below is the steady state of a typing attendee.
    const doc = new Y.Doc();
    const keystrokes: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => void keystrokes.push(update));
    notesOf(doc).insert(0, '>');
    typist.send(syncMsg(SYNC.update, keystrokes.shift()!));
    await typist.until(() => typist.saved() === 1);
    const transactions: unknown[] = [];
    room.onTransaction((transaction) => void transactions.push(transaction.origin));
    const updatesSeen = (): number => observer.frames.filter((frame) => frame[0] === 0 && frame[1] === SYNC.update).length;
    const seenBefore = updatesSeen();

    const burst = 'typed without a pause, each keystroke its own frame';
    for (const char of burst) notesOf(doc).insert(notesOf(doc).length, char);
    const tcp = tcpOf(typist.ws);
    tcp.cork();
    for (const keystroke of keystrokes) typist.send(syncMsg(SYNC.update, keystroke));
    tcp.uncork();

    await typist.until(() => typist.saved() === 1 + burst.length);
    await waitFor(() => notesOf(room.doc).toString().includes(`>${burst}`) && updatesSeen() - seenBefore === transactions.length, 'the burst to reach the observer');
    // One transaction, one update frame per socket read: fewer than the frames (one read, in practice).
    expect(transactions.length).toBeGreaterThan(0);
    expect(transactions.length).toBeLessThan(burst.length / 4);
    // All of them the typist's connection's (the sender is left out of the fan-out, and credited).
    expect(new Set(transactions).size).toBe(1);
    expect(room.peers.has(transactions[0] as never)).toBe(true);
    const seen = new Y.Doc();
    for (const frame of observer.frames) {
      const update = updateOfFrame(frame);
      if (update) Y.applyUpdate(seen, update);
    }
    // What the observer was sent since it joined: the typist's text, complete.
    expect(notesOf(seen).toString()).toBe(`>${burst}`);
    for (const d of [doc, seen]) d.destroy();
  });
});

describe('a socket read whose transaction fails to end', () => {
  test('fails the room (1011, nothing stored) instead of escaping into ws', async () => {
    const target = await server();
    const meeting = await createMeeting(target.url);
    const peer = await raw(target.wsUrl, meeting.id, meeting.editKey, { acks: true });
    await peer.until(() => peer.frames.length > 0);
    const room = target.app.meetpad.registry.loadedRoom(meeting.id)!;
    const storedBefore = await target.app.meetpad.store.readDocument(meeting.id);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, room.encodeDiff(null)); // builds the room's document: reads go through one transaction
    const before = Y.encodeStateVector(doc);
    notesOf(doc).insert(0, 'never stored');
    // A listener that throws while Yjs ends the transaction (an observer bug).
    room.onTransaction(() => {
      throw new Error('listener bug');
    });
    peer.send(syncMsg(SYNC.update, Y.encodeStateAsUpdate(doc, before)));
    expect((await peer.closed).code).toBe(CLOSE.internal);
    expect(room.failed).toBe(true);
    expect(peer.saved()).toBe(0);
    expect(await target.app.meetpad.store.readDocument(meeting.id)).toEqual(storedBefore);
    doc.destroy();
  });
});

describe('per-connection memory', () => {
  test('an open connection does not keep its upgrade request alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const target = await server();
    const meeting = await createMeeting(target.url);
    let request: WeakRef<object> | undefined;
    target.app.server.prependListener('upgrade', (incoming: object) => (request ??= new WeakRef(incoming)));
    const attendee = await attend(target.wsUrl, meeting.id, meeting.editKey);
    expect(request).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    expect(request!.deref()).toBeUndefined();
    // The connection itself is still live.
    notesOf(attendee.doc).insert(0, 'still connected');
    const other = await attend(target.wsUrl, meeting.id, meeting.editKey);
    await waitFor(() => notesOf(other.doc).toString().includes('still connected'), 'the edit to reach a second attendee');
  });
});
