/**
 * Shared tools of the hostile-world tests: a seeded PRNG, raw sockets that report how the server
 * closed them, frame encoders, and "nothing changed" checks against the export and the storage.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Config } from '../../server/config.js';
import { MESSAGE, SYNC } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { seededRandom } from '../helpers/random.js';

/** The project's seeded PRNG, under the name these tests use. */
export const mulberry32 = seededRandom;

/** Random helpers over a PRNG. */
export const randomTools = (next: () => number) => ({
  int: (max: number): number => Math.floor(next() * max),
  pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  bytes: (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
    return out;
  },
});

/** `startTestServer` with a choice of web client directory (static-file tests). */
export const startServer = (options: { dataDir?: string; config?: Partial<Config>; clientDir?: string } = {}): Promise<TestServer> =>
  startTestServer({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.clientDir ? { deps: { clientDir: options.clientDir } } : {}),
  });

/** A raw WebSocket to a meeting that records every frame and how it was closed. */
export interface RawPeer {
  ws: WebSocket;
  frames: Uint8Array[];
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  closeCode(): number | null;
  send(frame: Uint8Array | string): void;
  /** Number of sync step 2 frames received so far. */
  step2Count(): number;
  /** Highest "saved" count received (acks=1 only). */
  saved(): number;
  /** Resolves as soon as `check` holds, re-checked on every received frame and on close. */
  until(check: () => boolean): Promise<void>;
}

/** Opens a raw socket to `/collab/:id`; resolves once open (rejects if the upgrade is refused). */
export const openRaw = async (
  wsUrl: string,
  id: string,
  key: string,
  options: { headers?: Record<string, string>; autoPong?: boolean; acks?: boolean } = {},
): Promise<RawPeer> => {
  const query = `key=${encodeURIComponent(key)}${options.acks ? '&acks=1' : ''}`;
  const ws = new WebSocket(`${wsUrl}/collab/${id}?${query}`, { headers: options.headers ?? {}, autoPong: options.autoPong ?? true });
  const frames: Uint8Array[] = [];
  let closeCode: number | null = null;
  let step2 = 0;
  let saved = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  ws.on('message', (data: Buffer) => {
    const frame = new Uint8Array(data);
    frames.push(frame);
    if (frame[0] === MESSAGE.sync && frame[1] === SYNC.step2) step2++;
    if (frame[0] === MESSAGE.saved) {
      const decoder = decoding.createDecoder(frame);
      decoding.readVarUint(decoder);
      saved = Math.max(saved, decoding.readVarUint(decoder));
    }
    wake();
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      closeCode = code;
      resolve({ code, reason: reason.toString() });
      wake();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    closeCode: () => closeCode,
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: typeof frame !== 'string' });
    },
    step2Count: () => step2,
    saved: () => saved,
    until: (check) =>
      new Promise<void>((resolve) => {
        if (check()) return resolve();
        const waiter = () => {
          if (!check()) return;
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      }),
  };
};

/** Encodes a frame with lib0. */
export const encodeFrame = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
};

/** A lone varuint, for building frames by hand. */
export const varUint = (n: number): Uint8Array => encodeFrame((e) => encoding.writeVarUint(e, n));

/** Byte arrays joined into one. */
export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

/** `[sync, subtype, payload]`. */
export const syncMsg = (subtype: number, payload: Uint8Array): Uint8Array =>
  encodeFrame((e) => {
    encoding.writeVarUint(e, MESSAGE.sync);
    encoding.writeVarUint(e, subtype);
    encoding.writeVarUint8Array(e, payload);
  });

/** Sync step 1 asking for everything (empty state vector). */
export const step1Msg = (stateVector: Uint8Array = Y.encodeStateVector(new Y.Doc())): Uint8Array => syncMsg(SYNC.step1, stateVector);

/** `[awareness, payload]`. */
export const awarenessMsg = (payload: Uint8Array): Uint8Array =>
  encodeFrame((e) => {
    encoding.writeVarUint(e, MESSAGE.awareness);
    encoding.writeVarUint8Array(e, payload);
  });

/** An awareness update payload from raw entries (the JSON is written as given). */
export const awarenessPayload = (entries: Array<{ clientId: number; clock: number; json: string }>): Uint8Array =>
  encodeFrame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, json } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });

/** The empty update (valid, changes nothing). */
export const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/**
 * Round trip: sends sync step 1 and waits for its sync step 2 answer, or for the socket to close.
 * The server handles frames in order, so when it answers, every earlier frame has been handled.
 * Returns true if the socket is still open.
 */
export const roundTrip = async (peer: RawPeer): Promise<boolean> => {
  if (peer.closeCode() !== null) return false;
  const before = peer.step2Count();
  peer.send(step1Msg());
  await peer.until(() => peer.step2Count() > before || peer.closeCode() !== null);
  return peer.closeCode() === null;
};

/** Closes a raw socket and waits for it to be closed. */
export const closeRaw = async (peer: RawPeer): Promise<void> => {
  if (peer.closeCode() === null) {
    peer.ws.close(1000);
    await peer.closed;
  }
};

/** The Markdown export of a meeting through HTTP. */
export const exportText = async (url: string, id: string, key: string): Promise<{ status: number; text: string }> => {
  const response = await fetch(`${url}/api/meetings/${id}/export.md`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, text: await response.text() };
};

/** What a meeting looks like from outside: the export, and storage replayed into a fresh doc. */
export interface MeetingState {
  exported: string;
  storedText: string;
  storedStateVector: string;
}

const docText = (doc: Y.Doc): string => doc.getText('agenda').toString() + doc.getText('notes').toString();

/** Reads a meeting's export and its stored document (replayed from LevelDB alone). */
export const meetingState = async (server: TestServer, id: string, key: string): Promise<MeetingState> => {
  const stored = await server.app.meetpad.meetings.readDoc(id);
  const state: MeetingState = {
    exported: (await exportText(server.url, id, key)).text,
    storedText: docText(stored),
    storedStateVector: Buffer.from(Y.encodeStateVector(stored)).toString('hex'),
  };
  stored.destroy();
  return state;
};

/** A stock client that also counts how often its connection was closed. */
export interface Observer extends Attendee {
  closes: number[];
}

/** Joins a stock y-websocket client that watches a meeting; `closes` lists close codes it saw. */
export const joinObserver = async (wsUrl: string, id: string, key: string, options: { sync?: boolean; doc?: Y.Doc } = {}): Promise<Observer> => {
  const attendee = await joinMeeting(wsUrl, id, key, options);
  const closes: number[] = [];
  attendee.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));
  return { ...attendee, closes };
};

/** The Markdown page held by a doc. */
export const pageText = docText;

/** Writes a fake built client (index.html, an asset, a dotfile) with a secret beside it. */
export const fakeClientDir = async (marker: string): Promise<{ root: string; clientDir: string }> => {
  const root = await tempDir('meetpad-static-');
  const clientDir = join(root, 'client');
  await mkdir(join(clientDir, 'assets'), { recursive: true });
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>meetpad</title>');
  await writeFile(join(clientDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(clientDir, '.env'), `SECRET=${marker}`);
  await mkdir(join(clientDir, '.git'), { recursive: true });
  await writeFile(join(clientDir, '.git', 'config'), `[secret] ${marker}`);
  await writeFile(join(root, 'package.json'), JSON.stringify({ secret: marker }));
  await writeFile(join(root, '.env'), `SECRET=${marker}`);
  return { root, clientDir };
};
