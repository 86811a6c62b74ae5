/**
 * What a hostile or unlucky world sends (GUIDE 7), one test per row that concerns the server. Each
 * test asserts the close code or HTTP status the guide promises AND that nothing changed: the
 * export and the stored document are as before, and a stock client in the same meeting was not
 * disconnected and still edits.
 */
import { request as httpRequest } from 'node:http';
import { rm } from 'node:fs/promises';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { upgradeStatus } from '../helpers/clients.js';
import { createMeeting, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import {
  EMPTY_UPDATE,
  awarenessMsg,
  awarenessPayload,
  closeRaw,
  encodeFrame,
  exportText,
  fakeClientDir,
  joinObserver,
  meetingState,
  mulberry32,
  openRaw,
  pageText,
  randomTools,
  roundTrip,
  startServer,
  step1Msg,
  syncMsg,
  type MeetingState,
  type Observer,
  type RawPeer,
  concat,
  varUint,
} from './hostile-helpers.js';
import { statusOf } from '../helpers/responses.js';

const MAX_FRAME = 64 * 1024;
const INDEX_HTML = '<!doctype html><title>meetpad</title>';

/** A meeting with a stock client in it, and its state before the hostile part. */
interface Scene {
  server: TestServer;
  meeting: CreatedMeeting;
  observer: Observer;
  before: MeetingState;
  cleanup: Array<() => Promise<void> | void>;
}

// Scenes still open when a test ends (a failed one included) are cleaned up after it.
const openScenes = new Set<Scene>();
const extraCleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const scene of [...openScenes]) await endScene(scene);
  for (const step of extraCleanup.splice(0).reverse()) await step();
});

const setScene = async (server: TestServer): Promise<Scene> => {
  const meeting = await createMeeting(server.url, { title: 'Hostile world' });
  const observer = await joinObserver(server.wsUrl, meeting.id, meeting.editKey);
  observer.provider.awareness.setLocalStateField('user', { name: 'Observer', color: '#336699' });
  const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
  await waitFor(() => room.awareness.getStates().get(observer.doc.clientID)?.user, 'the observer presence to reach the server');
  const scene: Scene = { server, meeting, observer, before: await meetingState(server, meeting.id, meeting.editKey), cleanup: [() => observer.destroy()] };
  openScenes.add(scene);
  return scene;
};

let edits = 0;
/** Nothing changed, the server is up, and the observer was never disconnected and still edits. */
const expectUnchanged = async (scene: Scene): Promise<void> => {
  const { server, meeting, observer, before } = scene;
  expect(await statusOf(fetch(`${server.url}/healthz`))).toBe(200);
  expect(await meetingState(server, meeting.id, meeting.editKey)).toEqual(before);
  expect(observer.closes).toEqual([]);
  expect(pageText(observer.doc)).toBe(before.exported);
  const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
  expect(room.awareness.getStates().get(observer.doc.clientID)).toEqual({ user: { name: 'Observer', color: '#336699' } });
  const mark = `still-editing-${++edits}`;
  observer.doc.getText('notes').insert(0, mark);
  await waitFor(async () => (await exportText(server.url, meeting.id, meeting.editKey)).text.includes(mark), 'the observer edit to be exported');
};

const endScene = async (scene: Scene): Promise<void> => {
  openScenes.delete(scene);
  for (const step of scene.cleanup.splice(0).reverse()) await step();
};

/** Sends frames on a fresh raw socket and returns the close code. */
const closeCodeFor = async (scene: Scene, frames: Array<Uint8Array | string>, key = scene.meeting.editKey): Promise<number> => {
  const peer = await openRaw(scene.server.wsUrl, scene.meeting.id, key);
  await waitFor(() => peer.frames.length > 0, 'the server sync step 1');
  for (const frame of frames) peer.send(frame);
  const { code } = await peer.closed;
  return code;
};

/** A doc holding what the meeting stores, for building updates with valid dependencies. */
const storedDoc = async (scene: Scene): Promise<Y.Doc> => {
  return scene.server.app.meetpad.meetings.readDoc(scene.meeting.id);
};

/** Updates produced by `edit` on a copy of the stored document, one per transaction. */
const updatesFrom = async (scene: Scene, edit: (doc: Y.Doc) => void): Promise<Uint8Array[]> => {
  const doc = await storedDoc(scene);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  edit(doc);
  doc.destroy();
  return updates;
};

const updateMsg = (update: Uint8Array): Uint8Array => syncMsg(SYNC.update, update);
const step2Msg = (update: Uint8Array): Uint8Array => syncMsg(SYNC.step2, update);
const TB = 2 ** 40;

describe('malformed frames (small frame limit)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { maxFrameBytes: MAX_FRAME } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a text frame is refused with 1008 and changes nothing', async () => {
    const scene = await setScene(server);
    expect(await closeCodeFor(scene, ['{"type":"sync","insert":"TEXTFRAME"}'])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('an empty binary frame is refused with 1008 and changes nothing', async () => {
    const scene = await setScene(server);
    expect(await closeCodeFor(scene, [new Uint8Array(0)])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('random bytes are refused with 1008 and change nothing', async () => {
    const scene = await setScene(server);
    const random = randomTools(mulberry32(0xc0ffee));
    for (let i = 0; i < 24; i++) {
      const frame = random.bytes(8 + random.int(200));
      expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    }
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('truncated and over-long varints are refused with 1008 and change nothing', async () => {
    const scene = await setScene(server);
    const [update] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'VARINTMARK'));
    const overlong = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const frames = [
      new Uint8Array([0x80]), // message type cut inside its varint
      new Uint8Array([0x00, 0x80]), // sync type cut
      new Uint8Array([0x00, 0x02, 0x85]), // payload length cut
      concat(new Uint8Array([0x00, 0x02]), varUint(update!.byteLength), update!.subarray(0, update!.byteLength - 3)), // payload cut
      concat(overlong, new Uint8Array([0x00])), // message type longer than 53 bits
      concat(new Uint8Array([0x00]), overlong), // sync type longer than 53 bits
      updateMsg(concat(overlong, update!.subarray(1))), // struct count of the update over-long
      awarenessMsg(concat(new Uint8Array([0x01]), overlong, new Uint8Array([0x00, 0x02]), new TextEncoder().encode('{}'))),
    ];
    for (const frame of frames) expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    expect((await exportText(server.url, scene.meeting.id, scene.meeting.editKey)).text).not.toContain('VARINTMARK');
    await endScene(scene);
  });

  it('length prefixes claiming terabytes are refused with 1008 and change nothing', async () => {
    const scene = await setScene(server);
    const frames = [
      concat(new Uint8Array([0x00, 0x02]), varUint(TB), new Uint8Array(16)), // update payload of 1 TiB
      concat(new Uint8Array([0x00, 0x00]), varUint(TB)), // state vector of 1 TiB
      concat(new Uint8Array([0x01]), varUint(TB), new Uint8Array(8)), // awareness payload of 1 TiB
      awarenessMsg(concat(varUint(1), varUint(7), varUint(1), varUint(TB), new Uint8Array(8))), // awareness JSON of 1 TiB
      awarenessMsg(concat(varUint(TB), varUint(7))), // 2^40 awareness entries
      updateMsg(concat(varUint(TB), new Uint8Array(8))), // 2^40 struct groups
      updateMsg(concat(varUint(1), varUint(TB), varUint(4242), varUint(0), new Uint8Array(4))), // 2^40 structs of one client
      step1Msg(concat(varUint(TB), varUint(1), varUint(1))), // state vector with 2^40 entries
    ];
    for (const frame of frames) expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('unknown message and sync types are refused with 1008 and change nothing', async () => {
    const scene = await setScene(server);
    const frames = [
      new Uint8Array([2, 0]), // auth: a server message
      new Uint8Array([7, 1, 2, 3]),
      new Uint8Array([100, 5]), // meetpad's saved message, sent by a client
      concat(varUint(1_000_000), new Uint8Array([0])),
      new Uint8Array([0, 3, 0]), // sync type 3
      new Uint8Array([0, 9, 1, 0]),
    ];
    for (const frame of frames) expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('a valid update with a corrupted tail is refused whole with 1008', async () => {
    const scene = await setScene(server);
    // One transaction that inserts and deletes: the delete set is the tail of the encoding.
    const [update] = await updatesFrom(scene, (doc) =>
      doc.transact(() => {
        doc.getText('notes').insert(0, 'TAILMARK');
        doc.getText('agenda').delete(0, 3);
      }),
    );
    const corrupted = [
      concat(update!, new Uint8Array([0x01, 0x02, 0x03])), // trailing garbage
      update!.subarray(0, update!.byteLength - 1), // delete set cut short
      concat(update!.subarray(0, update!.byteLength - 2), new Uint8Array([0xff, 0xff])), // delete set overwritten
      concat(update!.subarray(0, update!.byteLength - 3), varUint(TB)), // delete range of 2^40
    ];
    for (const bad of corrupted) {
      expect(await closeCodeFor(scene, [updateMsg(bad)])).toBe(CLOSE.policy);
      expect(await closeCodeFor(scene, [step2Msg(bad)])).toBe(CLOSE.policy);
    }
    await expectUnchanged(scene);
    expect(scene.before.exported).not.toContain('TAILMARK');
    await endScene(scene);
  });

  it('garbage inside sync step 2 is refused with 1008 and changes nothing', async () => {
    const scene = await setScene(server);
    const random = randomTools(mulberry32(42));
    const [update] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'STEP2MARK'));
    const payloads = [
      random.bytes(64),
      new Uint8Array([0xff]),
      concat(update!, random.bytes(5)),
      concat(update!.subarray(0, 6), random.bytes(40)),
      new TextEncoder().encode('<script>alert(1)</script>'),
    ];
    for (const payload of payloads) expect(await closeCodeFor(scene, [step2Msg(payload)])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    expect((await exportText(server.url, scene.meeting.id, scene.meeting.editKey)).text).not.toContain('STEP2MARK');
    await endScene(scene);
  });

  it('a frame over the size limit is refused with 1009 and nothing of it is stored', async () => {
    const scene = await setScene(server);
    const [update] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'BIGMARK'.repeat(Math.ceil(MAX_FRAME / 7))));
    expect(update!.byteLength).toBeGreaterThan(MAX_FRAME);
    expect(await closeCodeFor(scene, [updateMsg(update!)])).toBe(CLOSE.tooLarge);
    expect(await closeCodeFor(scene, [new Uint8Array(MAX_FRAME + 1)])).toBe(CLOSE.tooLarge);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('an update that arrives before the one it depends on waits for it (honest reconnect race)', async () => {
    const scene = await setScene(server);
    const updates = await updatesFrom(scene, (doc) => {
      doc.getText('notes').insert(0, 'FIRST ');
      doc.getText('notes').insert(6, 'SECOND ');
    });
    const peer = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    peer.send(updateMsg(updates[1]!));
    peer.send(updateMsg(updates[0]!));
    expect(await roundTrip(peer)).toBe(true);
    await waitFor(() => scene.observer.doc.getText('notes').toString().startsWith('FIRST SECOND '), 'both edits to reach the observer');
    await waitFor(async () => (await meetingState(server, scene.meeting.id, scene.meeting.editKey)).storedText.includes('FIRST SECOND '), 'both edits to be stored');
    expect(scene.observer.closes).toEqual([]);
    await closeRaw(peer);
    await endScene(scene);
  });

  it('a client sending only updates whose dependencies never arrive is closed with 1008, nothing stored', async () => {
    const scene = await setScene(server);
    const updates = await updatesFrom(scene, (doc) => {
      for (let i = 0; i < 70; i++) doc.getText('notes').insert(0, `ORPHAN${i} `);
    });
    const peer = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    // The first insertion is never sent: every other one depends on it.
    for (const update of updates.slice(1)) peer.send(updateMsg(update));
    expect((await peer.closed).code).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    expect(scene.before.exported).not.toContain('ORPHAN');
    await endScene(scene);
  });

  it('spoofed, invalid or oversized awareness is refused with 1008 and leaves presence intact', async () => {
    const scene = await setScene(server);
    const victim = scene.observer.doc.clientID;
    const state = (json: string) => awarenessMsg(awarenessPayload([{ clientId: 77_001, clock: 1, json }]));
    const frames = [
      state('{"user":'), // invalid JSON
      state('{user: "x"}'),
      state('undefined'),
      awarenessMsg(awarenessPayload([{ clientId: victim, clock: 99, json: '{"user":{"name":"Mallory","color":"#ff0000"}}' }])), // someone else's id
      awarenessMsg(awarenessPayload([{ clientId: victim, clock: 99, json: 'null' }])), // removing someone else
      awarenessMsg(
        awarenessPayload([
          { clientId: 77_002, clock: 1, json: '{}' },
          { clientId: victim, clock: 99, json: '{}' },
        ]),
      ),
      // Five ids from one connection (the limit is four).
      awarenessMsg(awarenessPayload([1, 2, 3, 4, 5].map((n) => ({ clientId: 77_100 + n, clock: 1, json: '{}' })))),
    ];
    for (const frame of frames) expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('stock clients echoing each other\'s presence are not taken for spoofers, before and after a reconnect', async () => {
    // y-websocket sends back every awareness change it receives; only newer clocks for another
    // connection's id are spoofs.
    const scene = await setScene(server);
    const other = await joinObserver(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    scene.cleanup.push(() => other.destroy());
    other.provider.awareness.setLocalStateField('user', { name: 'Other', color: '#996633' });
    const otherId = other.doc.clientID;
    await waitFor(() => scene.observer.provider.awareness.getStates().get(otherId)?.user, 'the observer to see the other client');
    await waitFor(() => other.provider.awareness.getStates().get(scene.observer.doc.clientID)?.user, 'the other client to see the observer');
    other.provider.disconnect();
    await waitFor(() => !scene.observer.provider.awareness.getStates().has(otherId), 'the other client to leave');
    other.provider.connect();
    await waitFor(() => other.provider.synced, 'the other client to come back');
    other.provider.awareness.setLocalStateField('user', { name: 'Other again', color: '#996633' });
    await waitFor(() => (scene.observer.provider.awareness.getStates().get(otherId)?.user as { name?: string } | undefined)?.name === 'Other again', 'the observer to see it again');
    expect(other.closes).toEqual([-1]); // its own disconnect() only: never refused by the server
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('poisoned cursor positions and colours are refused with 1008', async () => {
    const scene = await setScene(server);
    const state = (value: unknown) => awarenessMsg(awarenessPayload([{ clientId: 77_003, clock: 1, json: JSON.stringify(value) }]));
    const rel = { type: null, tname: 'notes', item: null, assoc: 0 };
    const poisoned: unknown[] = [
      { user: { name: 'x', color: 'red' } },
      { user: { name: 'x', color: '#12345g' } },
      { user: { name: 'x', color: '#000000;background:url(https://evil.example/)' } },
      { user: { name: 'x', color: 'javascript:alert(1)' } },
      { user: { name: 'x', colorLight: '#fff' } },
      { user: { name: 'x'.repeat(10_000) } },
      { user: { name: { toString: 'x' } } },
      { user: { name: '<img src=x onerror=alert(1)>', isAdmin: true } },
      { user: 'Mallory' },
      { cursor: { anchor: 'x', head: 'y' } },
      { cursor: { anchor: { ...rel, assoc: 1e9 }, head: rel } },
      { cursor: { anchor: { ...rel, item: { client: -1, clock: 0 } }, head: rel } },
      { cursor: { anchor: { ...rel, item: { client: 1, clock: 1.5 } }, head: rel } },
      { cursor: { anchor: { ...rel, tname: 'x'.repeat(1000) }, head: rel } },
      { cursor: { anchor: rel, head: rel, extra: { deep: [1, 2, 3] } } },
      { cursor: { anchor: [rel], head: rel } },
      { section: 'secret' },
      { admin: true },
      JSON.parse('{"__proto__":{"polluted":true}}'),
      [1, 2, 3],
      'a string state',
      42,
    ];
    for (const value of poisoned) expect(await closeCodeFor(scene, [state(value)]), JSON.stringify(value).slice(0, 80)).toBe(CLOSE.policy);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('a well-formed cursor that points at nothing is relayed and breaks nobody', async () => {
    const scene = await setScene(server);
    const dangling = { type: null, tname: 'notes', item: { client: 123_456, clock: 999_999 }, assoc: -1 };
    const peer = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    peer.send(
      awarenessMsg(
        awarenessPayload([{ clientId: 77_004, clock: 1, json: JSON.stringify({ user: { name: 'Ghost', color: '#00ff00' }, cursor: { anchor: dangling, head: dangling } }) }]),
      ),
    );
    expect(await roundTrip(peer)).toBe(true);
    await waitFor(() => scene.observer.provider.awareness.getStates().get(77_004), 'the cursor to reach the observer');
    const cursor = scene.observer.provider.awareness.getStates().get(77_004)!.cursor as { anchor: unknown };
    expect(Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(cursor.anchor), scene.observer.doc)).toBeNull();
    await closeRaw(peer);
    await waitFor(() => !scene.observer.provider.awareness.getStates().has(77_004), 'the cursor to leave with its socket');
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('view-key writes are refused with 4403 (sync step 2 and update) and nothing is stored', async () => {
    const scene = await setScene(server);
    const [update] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'VIEWMARK'));
    const [deletion] = await updatesFrom(scene, (doc) => doc.getText('agenda').delete(0, 5));
    const orphans = await updatesFrom(scene, (doc) => {
      doc.getText('notes').insert(0, 'A');
      doc.getText('notes').insert(0, 'B');
    });
    for (const write of [step2Msg(update!), updateMsg(update!), updateMsg(deletion!), step2Msg(deletion!), updateMsg(orphans[1]!)]) {
      expect(await closeCodeFor(scene, [write], scene.meeting.viewKey)).toBe(CLOSE.readOnly);
    }
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it("a view key's no-op sync step 2 is accepted", async () => {
    const scene = await setScene(server);
    const doc = await storedDoc(scene);
    const peer = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.viewKey);
    peer.send(step2Msg(EMPTY_UPDATE));
    peer.send(step2Msg(Y.encodeStateAsUpdate(doc))); // echoes exactly what the meeting holds
    peer.send(step2Msg(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))));
    expect(await roundTrip(peer)).toBe(true);
    doc.destroy();
    await closeRaw(peer);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('missing keys, wrong keys and keys of another meeting are refused before the upgrade', async () => {
    const scene = await setScene(server);
    const other = await createMeeting(server.url);
    const { id } = scene.meeting;
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=${other.editKey}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=${other.viewKey}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}`, { authorization: `Bearer ${other.editKey}` })).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=${scene.meeting.editKey}`)).toBe(101);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('cross-origin upgrades are refused with 403 before the upgrade', async () => {
    const scene = await setScene(server);
    const path = `/collab/${scene.meeting.id}?key=${scene.meeting.editKey}`;
    const host = new URL(server.url).host;
    expect(await upgradeStatus(server.wsUrl, path, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, path, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, path, { origin: `http://${host}.evil.example` })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, path, { origin: `http://${host}` })).toBe(101);
    await expectUnchanged(scene);
    await endScene(scene);
  });
});

describe('document limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { maxDocBytes: 16 * 1024, maxFrameBytes: 256 * 1024 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a huge but valid update that would pass the document limit is refused whole with 1009', async () => {
    const scene = await setScene(server);
    // Fits: the document grows to about 10 KiB of 16 KiB.
    const [fits] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'F'.repeat(9 * 1024)));
    const peer = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    peer.send(updateMsg(fits!));
    expect(await roundTrip(peer)).toBe(true);
    await closeRaw(peer);
    await waitFor(() => scene.observer.doc.getText('notes').length >= 9 * 1024, 'the accepted update to reach the observer');
    scene.before = await meetingState(server, scene.meeting.id, scene.meeting.editKey);
    // Does not fit: 7 KiB more, valid, would pass 16 KiB.
    const [tooBig] = await updatesFrom(scene, (doc) => doc.getText('notes').insert(0, 'HUGEMARK'.repeat(900)));
    expect(await closeCodeFor(scene, [updateMsg(tooBig!)])).toBe(CLOSE.tooLarge);
    expect(await closeCodeFor(scene, [step2Msg(tooBig!)])).toBe(CLOSE.tooLarge);
    expect(scene.before.storedText).not.toContain('HUGEMARK');
    await expectUnchanged(scene);
    await endScene(scene);
  });
});

describe('default frame limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The message rate is raised so the flood finishes in seconds; it is still far below 20,000/s,
    // so the server must throttle (backpressure) rather than disconnect.
    server = await startServer({ config: { messagesPerSecond: 2000 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('100,000 client ids in one awareness message are refused with 1008', async () => {
    const scene = await setScene(server);
    const entries = Array.from({ length: 100_000 }, (_, i) => ({ clientId: 1_000_000 + i, clock: 1, json: 'null' }));
    const frame = awarenessMsg(awarenessPayload(entries));
    expect(frame.byteLength).toBeLessThan(2 * 1024 * 1024); // under the default frame limit: the awareness check answers
    expect(await closeCodeFor(scene, [frame])).toBe(CLOSE.policy);
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('a flood of 20,000 single-keystroke updates is slowed down, not dropped: all of it arrives and is stored', async () => {
    const scene = await setScene(server);
    const flooder = await joinObserver(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    scene.cleanup.push(() => flooder.destroy());
    const notes = flooder.doc.getText('notes');
    const start = notes.length;
    for (let i = 0; i < 20_000; i++) notes.insert(notes.length, String.fromCharCode(97 + (i % 26)));
    const expected = pageText(flooder.doc);
    await waitFor(() => pageText(scene.observer.doc) === expected, 'all 20,000 keystrokes to reach the other client', 120_000);
    await waitFor(async () => (await meetingState(server, scene.meeting.id, scene.meeting.editKey)).storedText === expected, 'all keystrokes to be stored', 30_000);
    expect(scene.observer.doc.getText('notes').length).toBe(start + 20_000);
    expect(flooder.closes).toEqual([]);
    expect(scene.observer.closes).toEqual([]);
    await endScene(scene);
  });
});

describe('slow consumers and half-open sockets', () => {
  it('a client that never reads is disconnected with 1013 while the others keep working', async () => {
    const server = await startServer({ config: { maxSendBufferBytes: 65_536, maxDocBytes: 512 * 1024 * 1024, compactEvery: 20 } });
    extraCleanup.push(() => server.close());
    const scene = await setScene(server);
    const slow = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.viewKey);
    expect(await roundTrip(slow)).toBe(true);
    scene.cleanup.push(() => slow.ws.terminate());
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's send buffer
    const room = server.app.meetpad.registry.loadedRoom(scene.meeting.id)!;
    const typist = await joinObserver(server.wsUrl, scene.meeting.id, scene.meeting.editKey);
    scene.cleanup.push(() => typist.destroy());
    expect(room.peers.size).toBe(3);
    const text = typist.doc.getText('notes');
    const chunk = 'slow-consumer '.repeat(4096); // 56 KiB per edit, deleted again to keep the meeting small
    let rounds = 0;
    while (room.peers.size === 3) {
      if (++rounds > 2000) throw new Error('the slow consumer was never disconnected');
      text.insert(0, chunk);
      // Paced by the reading client: each insert reaches it before it is deleted. (An insert and
      // its deletion in one socket read would go out as one small update: the server applies a
      // read's updates in one transaction, and Yjs drops the deleted content.)
      const typed = Y.getState(typist.doc.store, typist.doc.clientID);
      await waitFor(() => Y.getState(scene.observer.doc.store, typist.doc.clientID) >= typed, 'the observer to keep up');
      text.delete(0, chunk.length);
    }
    // The server gave up on the slow socket; once it reads again it finds the close frame.
    slow.ws.resume();
    expect((await slow.closed).code).toBe(CLOSE.overloaded);
    expect(typist.closes).toEqual([]);
    expect(room.peers.size).toBe(2);
    scene.before = await meetingState(server, scene.meeting.id, scene.meeting.editKey);
    expect(scene.before.storedText).toBe(pageText(typist.doc));
    await expectUnchanged(scene);
    await endScene(scene);
  });

  it('a peer that stops answering pings is dropped and its cursor removed; live clients stay', async () => {
    const server = await startServer({ config: { pingIntervalMs: 150 } });
    extraCleanup.push(() => server.close());
    const scene = await setScene(server);
    const silent = await openRaw(server.wsUrl, scene.meeting.id, scene.meeting.editKey, { autoPong: false });
    scene.cleanup.push(() => silent.ws.terminate());
    silent.send(awarenessMsg(awarenessPayload([{ clientId: 88_001, clock: 1, json: '{"user":{"name":"Half-open","color":"#aa00aa"}}' }])));
    await waitFor(() => scene.observer.provider.awareness.getStates().has(88_001), 'the half-open peer presence to reach the observer');
    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated, no close handshake with a dead peer
    await waitFor(() => !scene.observer.provider.awareness.getStates().has(88_001), 'the ghost cursor to disappear');
    // The stock client answered every ping and was never dropped.
    await expectUnchanged(scene);
    await endScene(scene);
  });
});

describe('deleted meetings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('a stale offline client coming back after the meeting was deleted is refused with 404 and re-creates nothing', async () => {
    const meeting = await createMeeting(server.url);
    const stale = await joinObserver(server.wsUrl, meeting.id, meeting.editKey);
    const live = await joinObserver(server.wsUrl, meeting.id, meeting.editKey);
    const writer = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    extraCleanup.push(() => stale.destroy(), () => live.destroy(), () => writer.ws.terminate());
    stale.provider.disconnect();
    stale.doc.getText('notes').insert(0, 'STALE OFFLINE EDIT ');
    // A client keeps writing while the meeting is deleted under it.
    const doc = await server.app.meetpad.meetings.readDoc(meeting.id);
    doc.on('update', (update: Uint8Array) => writer.send(updateMsg(update)));
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing && writer.closeCode() === null; i++) {
        doc.getText('notes').insert(0, `late write ${i} `);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const deleted = await fetch(`${server.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    await deleted.body?.cancel();
    expect(deleted.status).toBe(204);
    await waitFor(() => live.closes.includes(CLOSE.deleted), 'the live client to get 4404');
    expect((await writer.closed).code).toBe(CLOSE.deleted);
    writing = false;
    await writes;
    doc.destroy();

    const closesBefore = stale.closes.length;
    stale.provider.connect();
    await waitFor(() => stale.closes.length >= closesBefore + 3, 'the stale client to try three times');
    expect(stale.provider.synced).toBe(false);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${meeting.editKey}`)).toBe(410);
    expect(await statusOf(fetch(`${server.url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.editKey}` } }))).toBe(410);
    expect((await exportText(server.url, meeting.id, meeting.editKey)).status).toBe(410);
    await server.app.meetpad.store.settled();
    expect(await server.app.meetpad.store.getMeeting(meeting.id)).toBeUndefined();
    const stored = await server.app.meetpad.store.readDocument(meeting.id);
    expect(stored.snapshot).toBeNull();
    expect(stored.updates).toEqual([]);
    expect(server.app.meetpad.registry.stateOf(meeting.id)).toBe('unloaded');
  });
});

describe('static files', () => {
  const marker = `secret-${Date.now()}`;
  let server: TestServer;
  let root: string;
  beforeAll(async () => {
    const dirs = await fakeClientDir(marker);
    root = dirs.root;
    server = await startServer({ clientDir: dirs.clientDir });
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  /** GET with the path sent exactly as written (fetch would normalise `..`). */
  const rawGet = (path: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const { port } = new URL(server.url);
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('path traversal and dotfiles are not served', async () => {
    expect((await rawGet('/')).status).toBe(200);
    expect((await rawGet('/assets/app.js')).status).toBe(200);
    const paths = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/..%2fpackage.json',
      '/..%5cpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/../../package.json',
      '/m/..%2f..%2fpackage.json',
      '/%252e%252e/package.json',
      '/.env',
      '/%2eenv',
      '/assets/../.env',
      '/.git/config',
      '/%2egit/config',
      '/..%00/package.json',
      '//package.json',
      '/index.html/../../package.json',
    ];
    for (const path of paths) {
      const { status, body } = await rawGet(path);
      expect(body, path).not.toContain(marker);
      // The app shell itself (SPA fallback) is harmless; anything else must be refused.
      if (status === 200) expect(body, path).toBe(INDEX_HTML);
      else expect([400, 403, 404], `${path} answered ${status}`).toContain(status);
    }
    expect(await statusOf(fetch(`${server.url}/healthz`))).toBe(200);
  });
});
