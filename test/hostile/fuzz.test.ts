/**
 * Protocol fuzzing against a live server (GUIDE 2.3, 7): valid y-websocket traffic (recorded from a
 * stock client, plus frames of a hostile client encoded with y-protocols) is mutated with a seeded
 * PRNG (bit flips, truncation, splicing, duplication, varint corruption, huge length prefixes) and
 * mixed with random frames; thousands of them go out on raw sockets while two stock clients keep
 * typing in the same meeting.
 *
 * Every hostile frame gets a verdict from the server's own answers: rejected (socket closed),
 * applied (the `saved` ack of a later no-op write covers it), held (a write waiting for missing
 * dependencies: the socket is then closed so it is discarded) or accepted (non-writes). The
 * invariant: the stored document equals the initial state plus every healthy edit plus exactly the
 * applied hostile updates: accepted frames are applied whole, rejected and held ones change nothing.
 *
 * Replay a run with FUZZ_SEED=<seed> (and FUZZ_FRAMES=<n> to change the number of frames).
 */
import { rm } from 'node:fs/promises';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MESSAGE, SYNC } from '../../shared/protocol.js';
import { createMeeting, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import {
  EMPTY_UPDATE,
  awarenessMsg,
  awarenessPayload,
  exportText,
  joinObserver,
  mulberry32,
  openRaw,
  pageText,
  randomTools,
  startServer,
  step1Msg,
  syncMsg,
  type Observer,
  type RawPeer,
  concat,
  varUint,
} from './hostile-helpers.js';
import { statusOf } from '../helpers/responses.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const FRAMES = process.env.FUZZ_FRAMES ? Number(process.env.FUZZ_FRAMES) : 3000;
const HOSTILE_CLIENT = 0x5eed_0001;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

type FrameKind = 'write' | 'step1' | 'other';

/** How the y-websocket header of a frame reads (the protocol, not the server's checks). */
const kindOf = (frame: Uint8Array): { kind: FrameKind; payload?: Uint8Array } => {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE.sync) return { kind: 'other' };
    const subtype = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (decoding.hasContent(decoder)) return { kind: 'other' };
    if (subtype === SYNC.step1) return { kind: 'step1' };
    if (subtype === SYNC.step2 || subtype === SYNC.update) return { kind: 'write', payload: new Uint8Array(payload) };
    return { kind: 'other' };
  } catch {
    return { kind: 'other' };
  }
};


/** The mutation operators, each a pure function of the PRNG and the corpus. */
const mutators = (random: ReturnType<typeof randomTools>, next: () => number) => {
  const pos = (frame: Uint8Array) => random.int(frame.byteLength + 1);
  return {
    bitFlip: (a: Uint8Array) => {
      const out = a.slice();
      for (let n = 1 + random.int(4); n > 0 && out.byteLength; n--) out[random.int(out.byteLength)]! ^= 1 << random.int(8);
      return out;
    },
    truncate: (a: Uint8Array) => a.slice(0, random.int(a.byteLength)),
    splice: (a: Uint8Array, b: Uint8Array) => concat(a.subarray(0, pos(a)), b.subarray(pos(b))),
    duplicate: (a: Uint8Array) => {
      if (next() < 0.5) return concat(a, a);
      const start = random.int(a.byteLength);
      const end = start + random.int(a.byteLength - start + 1);
      return concat(a.subarray(0, end), a.subarray(start, end), a.subarray(end));
    },
    varint: (a: Uint8Array) => {
      const out = a.slice();
      const at = pos(a);
      switch (random.int(3)) {
        case 0: // a continuation bit where the varint should end
          if (out.byteLength) out[Math.min(at, out.byteLength - 1)]! |= 0x80;
          return out;
        case 1: // an over-long varint
          return concat(a.subarray(0, at), new Uint8Array(6 + random.int(8)).fill(0xff), a.subarray(at));
        default: // a varint cut in the middle
          return concat(a.subarray(0, at), new Uint8Array([0x80 | random.int(128)]));
      }
    },
    hugeLength: (a: Uint8Array) => {
      // The first length prefix (after [sync, subtype] or [awareness]), or any position.
      const at = next() < 0.6 ? (a[0] === MESSAGE.sync ? 2 : 1) : pos(a);
      const huge = varUint(2 ** (20 + random.int(31)) + random.int(1000));
      return concat(a.subarray(0, Math.min(at, a.byteLength)), huge, a.subarray(Math.min(at + 1, a.byteLength)));
    },
    overwrite: (a: Uint8Array) => {
      const out = a.slice();
      const start = random.int(Math.max(1, out.byteLength));
      const bytes = random.bytes(1 + random.int(8));
      for (let i = 0; i < bytes.byteLength && start + i < out.byteLength; i++) out[start + i] = bytes[i]!;
      return out;
    },
    insertDelete: (a: Uint8Array) => {
      const at = pos(a);
      return next() < 0.5 ? concat(a.subarray(0, at), random.bytes(1 + random.int(6)), a.subarray(at)) : concat(a.subarray(0, at), a.subarray(at + 1 + random.int(6)));
    },
    retype: (a: Uint8Array) => {
      // The same body under another message type or sync type.
      const out = a.slice();
      if (out.byteLength > 1 && out[0] === MESSAGE.sync && next() < 0.7) out[1] = random.pick([0, 1, 2, 3, 127]);
      else if (out.byteLength) out[0] = random.pick([0, 1, 2, 3, 4, 100]);
      return out;
    },
  };
};

/** A stock-client WebSocket that records every frame it sends. */
const recordingSocket = (sink: Uint8Array[]) =>
  class RecordingWebSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      sink.push(new Uint8Array(data as ArrayBuffer).slice());
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  };

it(`fuzzed y-websocket frames never crash the server, never half-apply, never disturb healthy clients (seed ${SEED})`, { timeout: 240_000 }, async () => {
  console.log('fuzz seed', SEED);
  const next = mulberry32(SEED);
  const random = randomTools(next);
  const mutate = mutators(random, next);
  const dataDir = await tempDir('meetpad-fuzz-');
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  let server: TestServer = await startServer({
    dataDir,
    // Rates far above what the fuzzer sends per socket, so the run takes seconds, not minutes.
    config: { messagesPerSecond: 1_000_000, bytesPerSecond: 1024 * 1024 * 1024, awarenessPerSecond: 10_000 },
  });
  let serverOpen = true;
  const closeServer = async () => {
    if (serverOpen) await server.close();
    serverOpen = false;
  };
  cleanup.push(closeServer);
  const meeting = await createMeeting(server.url, { title: 'Fuzz' });
  const { id, editKey } = meeting;
  const initial = await server.app.meetpad.meetings.readDoc(id);
  const initialState = Y.encodeStateAsUpdate(initial);
  initial.destroy();

  /** Every edit made by a healthy client, as it left that client. */
  const healthyUpdates: Uint8Array[] = [];
  const trackLocal = (observer: Observer) =>
    observer.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== observer.provider) healthyUpdates.push(update);
    });

  // 1. Record what a stock y-websocket client sends: sync, edits, presence with cursors.
  const recorded: Uint8Array[] = [];
  const recorderDoc = new Y.Doc();
  const recorderProvider = new WebsocketProvider(`${server.wsUrl}/collab`, id, recorderDoc, {
    params: { key: editKey },
    WebSocketPolyfill: recordingSocket(recorded) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const recorder = { doc: recorderDoc, provider: recorderProvider, closes: [], destroy: () => (recorderProvider.destroy(), recorderDoc.destroy()) } as Observer;
  cleanup.push(() => recorder.destroy());
  trackLocal(recorder);
  await waitFor(() => recorder.provider.synced, 'the recorder to sync');
  for (let i = 0; i < 40; i++) {
    const text = recorderDoc.getText(next() < 0.5 ? 'agenda' : 'notes');
    const at = random.int(text.length + 1);
    if (next() < 0.25 && text.length > 10) text.delete(random.int(text.length - 5), 1 + random.int(4));
    else text.insert(at, `rec${i} `);
    const cursor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, Math.min(at, text.length)));
    recorder.provider.awareness.setLocalState({ user: { name: `Recorder ${i}`, color: '#123abc' }, cursor: { anchor: cursor, head: cursor }, section: 'notes' });
    await new Promise((r) => setImmediate(r));
  }
  const recorderPage = pageText(recorderDoc);
  await waitFor(async () => (await exportText(server.url, id, editKey)).text === recorderPage, 'the recorded edits to be stored');
  recorder.destroy();

  // 2. A hostile client's own valid traffic, encoded with y-protocols: content nobody has yet.
  const hostileDoc = await server.app.meetpad.meetings.readDoc(id);
  hostileDoc.clientID = HOSTILE_CLIENT;
  const startVector = Y.encodeStateVector(hostileDoc);
  const generated: Uint8Array[] = [];
  hostileDoc.on('update', (update: Uint8Array) => generated.push(syncMsg(SYNC.update, update)));
  for (let i = 0; i < 60; i++) {
    const text = hostileDoc.getText(next() < 0.5 ? 'agenda' : 'notes');
    if (next() < 0.2 && text.length > 10) text.delete(random.int(text.length - 5), 1 + random.int(4));
    else if (next() < 0.05) hostileDoc.getMap('meta').set(`fuzz${i}`, { n: i, s: `h${i}` });
    else text.insert(random.int(text.length + 1), `<H${i}>`);
    if (i % 6 === 5) generated.push(syncMsg(SYNC.step2, Y.encodeStateAsUpdate(hostileDoc, startVector)));
    if (i % 10 === 0) generated.push(step1Msg(Y.encodeStateVector(hostileDoc)));
  }
  hostileDoc.destroy();
  const presence = (clientId: number, clock: number) =>
    awarenessMsg(awarenessPayload([{ clientId, clock, json: JSON.stringify({ user: { name: `Hostile ${clock}`, color: '#ff00ff' }, section: 'agenda' }) }]));
  generated.push(presence(0x5eed_0100, 1), presence(0x5eed_0100, 2), presence(0x5eed_0101, 1), new Uint8Array([MESSAGE.queryAwareness]));
  const corpus = [...recorded, ...generated];

  // 3. Two healthy stock clients keep typing (and moving their cursors) during the whole run.
  const healthy = [await joinObserver(server.wsUrl, id, editKey), await joinObserver(server.wsUrl, id, editKey)];
  for (const client of healthy) trackLocal(client);
  cleanup.push(() => healthy.forEach((client) => client.destroy()));
  let typing = true;
  const typists = healthy.map(async (client, n) => {
    const own = mulberry32(SEED + n + 1);
    for (let i = 0; typing; i++) {
      const text = client.doc.getText(own() < 0.5 ? 'agenda' : 'notes');
      const at = Math.floor(own() * (text.length + 1));
      text.insert(at, `[ok${n}:${i}]`);
      if (i % 5 === 0) {
        const cursor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at));
        client.provider.awareness.setLocalState({ user: { name: `Healthy ${n}`, color: '#00aa00' }, cursor: { anchor: cursor, head: cursor } });
      }
      await new Promise((r) => setTimeout(r, 2 + Math.floor(own() * 8)));
    }
  });

  // 4. The hostile frames, one at a time, each with a verdict.
  const applied: Uint8Array[] = [];
  const stats = { applied: 0, held: 0, accepted: 0, rejected: 0, sockets: 0, codes: {} as Record<number, number> };
  let peer: RawPeer | null = null;
  let writes = 0;
  const connect = async (): Promise<RawPeer> => {
    if (peer && peer.closeCode() === null) return peer;
    peer = await openRaw(server.wsUrl, id, editKey, { acks: true });
    stats.sockets++;
    writes = 0;
    return peer;
  };
  const operators = Object.values(mutate);
  for (let i = 0; i < FRAMES; i++) {
    const roll = next();
    let frame: Uint8Array;
    if (roll < 0.3) frame = random.pick(corpus);
    else if (roll < 0.85) {
      const op = random.pick(operators);
      frame = op(random.pick(corpus), random.pick(corpus));
      if (next() < 0.2) frame = random.pick(operators)(frame, random.pick(corpus));
    } else frame = next() < 0.3 ? concat(new Uint8Array([0, random.int(3)]), random.bytes(random.int(200))) : random.bytes(random.int(300));

    const socket = await connect();
    const { kind, payload } = kindOf(frame);
    const n = kind === 'write' ? ++writes : 0;
    const m = ++writes; // the no-op write sent after it: its ack covers every earlier write
    const replies = socket.step2Count() + (kind === 'step1' ? 2 : 1);
    socket.send(frame);
    socket.send(syncMsg(SYNC.update, EMPTY_UPDATE));
    socket.send(step1Msg());
    await socket.until(() => socket.closeCode() !== null || socket.step2Count() >= replies);
    if (socket.closeCode() === null && socket.saved() < m) {
      // The ack is sent right after the sync answer; one more round trip makes sure it had the chance.
      socket.send(step1Msg());
      await socket.until(() => socket.closeCode() !== null || socket.step2Count() >= replies + 1);
    }
    if (kind === 'write' && socket.saved() >= n) {
      applied.push(payload!);
      stats.applied++;
    } else if (socket.closeCode() !== null) {
      const { code } = await socket.closed;
      stats.rejected++;
      stats.codes[code] = (stats.codes[code] ?? 0) + 1;
      expect([1008, 1009, 4403, 4429], `close code for frame ${i}`).toContain(code);
    } else if (kind === 'write') {
      // Waiting for dependencies that will never come: close, so the server discards it.
      stats.held++;
      socket.ws.close(1000);
      await socket.closed;
    } else {
      expect(socket.saved(), `a non-write frame ${i} must not block acknowledgements`).toBeGreaterThanOrEqual(m);
      stats.accepted++;
    }
  }
  if (peer) {
    (peer as RawPeer).ws.close(1000);
    await (peer as RawPeer).closed;
  }
  typing = false;
  await Promise.all(typists);
  console.log('fuzz stats', JSON.stringify(stats));

  // 5. The server is up; the healthy clients were never disconnected and converge with the export.
  expect(await statusOf(fetch(`${server.url}/healthz`))).toBe(200);
  expect(stats.applied).toBeGreaterThan(0);
  expect(stats.rejected).toBeGreaterThan(FRAMES / 10);
  for (const client of healthy) expect(client.closes).toEqual([]);
  await waitFor(async () => {
    const exported = (await exportText(server.url, id, editKey)).text;
    return pageText(healthy[0]!.doc) === exported && pageText(healthy[1]!.doc) === exported;
  }, 'the healthy clients and the export to converge');
  const live = pageText(healthy[0]!.doc);

  // 6. Storage after a restart holds exactly: initial state + healthy edits + applied hostile updates.
  for (const client of healthy) client.destroy();
  await closeServer();
  server = await startServer({ dataDir });
  serverOpen = true;
  const stored = await server.app.meetpad.meetings.readDoc(id);
  const expected = new Y.Doc();
  Y.applyUpdate(expected, initialState);
  for (const update of healthyUpdates) Y.applyUpdate(expected, update);
  for (const update of applied) Y.applyUpdate(expected, update);
  expect(pageText(stored)).toBe(live);
  expect((await exportText(server.url, id, editKey)).text).toBe(live);
  expect(pageText(stored)).toBe(pageText(expected));
  expect(stored.getMap('meta').toJSON()).toEqual(expected.getMap('meta').toJSON());
  expect(Y.decodeStateVector(Y.encodeStateVector(stored))).toEqual(Y.decodeStateVector(Y.encodeStateVector(expected)));
  expect(expected.store.pendingStructs).toBeNull();
  // Every healthy keystroke is there.
  for (const marker of live.match(/\[ok\d:\d+\]/g) ?? []) expect(pageText(stored)).toContain(marker);
  stored.destroy();
  expected.destroy();
});
