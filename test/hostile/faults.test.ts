/**
 * Faults with the server as a real child process (`node dist/server/main.js`): `kill -9` at random
 * moments during heavy writing, SIGTERM under load, a full disk, and a data directory locked by
 * another process. The promise in every case: an edit any client has seen from the server (or that
 * the server acknowledged) is never lost, and the server fails cleanly, with a code or a message.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { createMeeting, tempDir, waitFor } from '../helpers/server.js';
import { exportText, joinObserver, mulberry32, openRaw, pageText, syncMsg, type Observer } from './hostile-helpers.js';
import { statusOf } from '../helpers/responses.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist/server/main.js');
const run = promisify(execFile);

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Newest modification time of the server sources. */
const newestSource = async (dir: string): Promise<number> => {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true })) {
    if (entry.endsWith('.ts')) newest = Math.max(newest, (await stat(join(dir, entry))).mtimeMs);
  }
  return newest;
};

beforeAll(async () => {
  // The product runs the build (the bundled dist/server/main.js): build it unless dist is newer
  // than every source file.
  const sources = Math.max(await newestSource(join(ROOT, 'server')), await newestSource(join(ROOT, 'shared')));
  if (!existsSync(MAIN) || (await stat(MAIN)).mtimeMs < sources) {
    await run('npm', ['run', 'build:server'], { cwd: ROOT });
  }
  expect(existsSync(MAIN)).toBe(true);
}, 120_000);

/** A free TCP port on 127.0.0.1 (the same port is reused across restarts so clients reconnect). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

interface Child {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts `node dist/server/main.js`; `wrap` is a shell prefix (ulimit) run before exec. */
const startChild = async (dataDir: string, port: number, options: { env?: Record<string, string>; wrap?: string; waitReady?: boolean } = {}): Promise<Child> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('MEETPAD_')) env[name] = value;
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env });
  const child = options.wrap
    ? spawn('bash', ['-c', `${options.wrap}; exec "${process.execPath}" "${MAIN}"`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const result: Child = { process: child, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, output, exited };
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  if (options.waitReady !== false) {
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor(() => gone || output.join('').includes('meetpad ready'), 'the server to be ready');
    if (gone) throw new Error(`server exited before it was ready:\n${output.join('')}`);
  }
  return result;
};

const killHard = async (child: Child): Promise<void> => {
  child.process.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
};

/** Inserts markers as fast as the event loop allows until stopped. */
const typeUntil = (attendee: Attendee, section: 'agenda' | 'notes', label: string, stop: () => boolean): Promise<void> =>
  (async () => {
    const text = attendee.doc.getText(section);
    for (let i = 0; !stop(); i++) {
      // Appending: a writer's markers appear in order at the end of its section.
      text.insert(text.length, `[${label}:${i}]`);
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
  })();

/** Every clock the observer had is present in what a fresh client syncs from the server. */
const expectObservedPresent = async (wsUrl: string, id: string, key: string, observedVector: Map<number, number>, observedText: string): Promise<void> => {
  const reader = await joinMeeting(wsUrl, id, key);
  try {
    const stored = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
    for (const [client, clock] of observedVector) expect(stored.get(client) ?? 0, `client ${client}`).toBeGreaterThanOrEqual(clock);
    const page = pageText(reader.doc);
    for (const marker of observedText.match(/\[[a-z0-9-]+:\d+\]/g) ?? []) expect(page).toContain(marker);
  } finally {
    reader.destroy();
  }
};

describe('process faults', () => {
  it('kill -9 at random moments during heavy writing never loses an edit another client observed', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log('kill -9 seed', seed);
    const random = mulberry32(seed);
    const dataDir = await tempDir('meetpad-kill-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    let server = await startChild(dataDir, port);
    const meeting = await createMeeting(server.url, { title: 'Kill -9' });
    for (let cycle = 0; cycle < 4; cycle++) {
      const writers = [await joinMeeting(server.wsUrl, meeting.id, meeting.editKey), await joinMeeting(server.wsUrl, meeting.id, meeting.editKey)];
      const observer = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
      cleanup.push(() => [...writers, observer].forEach((attendee) => attendee.destroy()));
      let stop = false;
      const typing = writers.map((writer, n) => typeUntil(writer, n === 0 ? 'agenda' : 'notes', `c${cycle}-w${n}`, () => stop));
      // A random moment once writing is in full swing.
      await waitFor(() => (pageText(observer.doc).match(new RegExp(`\\[c${cycle}-`, 'g')) ?? []).length >= 50, 'the observer to see writing');
      await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
      await killHard(server);
      stop = true;
      await Promise.all(typing);
      // What the observer saw came from the server; nobody may push it back before the check.
      const observedVector = Y.decodeStateVector(Y.encodeStateVector(observer.doc));
      const observedText = pageText(observer.doc);
      for (const attendee of [...writers, observer]) attendee.destroy();
      server = await startChild(dataDir, port);
      await expectObservedPresent(server.wsUrl, meeting.id, meeting.viewKey, observedVector, observedText);
    }
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('SIGTERM under load drains: exit 0, clients get 1001, every acknowledged or observed edit survives', async () => {
    const dataDir = await tempDir('meetpad-term-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const server = await startChild(dataDir, port);
    const meeting = await createMeeting(server.url, { title: 'SIGTERM' });
    const writers: Observer[] = [await joinObserver(server.wsUrl, meeting.id, meeting.editKey), await joinObserver(server.wsUrl, meeting.id, meeting.editKey)];
    const observer = await joinObserver(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => [...writers, observer].forEach((attendee) => attendee.destroy()));
    // A raw client that asks for acknowledgements and counts them.
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(observer.doc));
    const acked = await openRaw(server.wsUrl, meeting.id, meeting.editKey, { acks: true });
    cleanup.push(() => acked.ws.terminate());
    const sentMarkers: string[] = [];
    local.on('update', (update: Uint8Array) => acked.send(syncMsg(SYNC.update, update)));
    let stop = false;
    const typing = [
      ...writers.map((writer, n) => typeUntil(writer, n === 0 ? 'agenda' : 'notes', `term-w${n}`, () => stop)),
      (async () => {
        for (let i = 0; !stop && acked.closeCode() === null; i++) {
          const marker = `[term-ack:${i}]`;
          sentMarkers.push(marker);
          local.getText('notes').insert(0, marker);
          await new Promise((r) => setImmediate(r));
        }
      })(),
    ];
    await waitFor(() => acked.saved() >= 50 && (pageText(observer.doc).match(/\[term-w/g) ?? []).length >= 50, 'writing to be in full swing');
    server.process.kill('SIGTERM');
    const { code } = await server.exited;
    stop = true;
    await Promise.all(typing);
    expect(code).toBe(0);
    expect((await acked.closed).code).toBe(CLOSE.shuttingDown);
    await waitFor(() => [...writers, observer].every((attendee) => attendee.closes.length > 0), 'every client to see its socket closed');
    for (const attendee of [...writers, observer]) expect(attendee.closes[0]).toBe(CLOSE.shuttingDown);
    const observedVector = Y.decodeStateVector(Y.encodeStateVector(observer.doc));
    const observedText = pageText(observer.doc);
    const ackedMarkers = sentMarkers.slice(0, acked.saved());
    for (const attendee of [...writers, observer]) attendee.destroy();
    local.destroy();

    const restarted = await startChild(dataDir, port);
    await expectObservedPresent(restarted.wsUrl, meeting.id, meeting.viewKey, observedVector, observedText);
    const { text } = await exportText(restarted.url, meeting.id, meeting.viewKey);
    expect(ackedMarkers.length).toBeGreaterThanOrEqual(50);
    for (const marker of ackedMarkers) expect(text).toContain(marker);
    restarted.process.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
  });

  it('a second server on the same data directory exits non-zero with a message naming the lock', async () => {
    const dataDir = await tempDir('meetpad-lock-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startChild(dataDir, await freePort());
    const second = await startChild(dataDir, await freePort(), { waitReady: false });
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const message = second.output.join('');
    expect(message).toMatch(/lock/i);
    expect(message).toContain(dataDir);
    // The first server is unharmed.
    expect(await statusOf(fetch(`${first.url}/readyz`))).toBe(200);
    first.process.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});

/** Mounts a tiny tmpfs if this machine allows it (root in a container usually may). */
const tryMount = async (dir: string, size: string): Promise<boolean> => {
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    return true;
  } catch {
    return false;
  }
};

describe('full disk', () => {
  it('a full data directory refuses edits cleanly (4503, /readyz 503) and keeps serving what was stored', async () => {
    const base = await tempDir('meetpad-full-');
    cleanup.push(() => rm(base, { recursive: true, force: true }));
    const dataDir = join(base, 'data');
    await mkdir(dataDir);
    // A real full disk (tmpfs of 2 MiB) where possible; otherwise a file-size limit makes writes fail with EFBIG.
    const mounted = process.env.HOSTILE_FULL_DISK !== 'ulimit' && (await tryMount(dataDir, '2m'));
    if (mounted) cleanup.push(() => run('umount', [dataDir]).then(() => undefined));
    const wrap = mounted ? undefined : "trap '' XFSZ; ulimit -f 2048";
    console.log('full disk by', mounted ? 'tmpfs' : 'ulimit -f');
    const port = await freePort();
    const server = await startChild(dataDir, port, wrap ? { wrap } : {});
    const meeting = await createMeeting(server.url, { title: 'Full disk' });
    const observer = await joinObserver(server.wsUrl, meeting.id, meeting.viewKey);
    const writer = await joinObserver(server.wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => [observer, writer].forEach((attendee) => attendee.destroy()));
    const text = writer.doc.getText('notes');
    for (let i = 0; !writer.closes.includes(CLOSE.storageUnavailable); i++) {
      if (i > 5000) throw new Error('the disk never filled up');
      text.insert(text.length, `[full:${i}]${'x'.repeat(4000)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    // The process is up, not ready, and still serves what it stored.
    expect(await statusOf(fetch(`${server.url}/healthz`))).toBe(200);
    await waitFor(async () => await statusOf(fetch(`${server.url}/readyz`)) === 503, '/readyz to turn red');
    writer.provider.disconnect();
    const served = await exportText(server.url, meeting.id, meeting.viewKey);
    expect(served.status).toBe(200);
    const observedVector = Y.decodeStateVector(Y.encodeStateVector(observer.doc));
    const observedText = pageText(observer.doc);
    expect(observedText.length).toBeGreaterThan(0);
    expect(served.text.startsWith(observedText.slice(0, observedText.indexOf('[full:')))).toBe(true);
    for (const marker of observedText.match(/\[full:\d+\]/g) ?? []) expect(served.text).toContain(marker);
    observer.destroy();
    writer.destroy();
    server.process.kill('SIGKILL');
    await server.exited;

    // With room again, everything that was served is still there.
    if (mounted) await run('mount', ['-o', 'remount,size=64m', dataDir]);
    const restarted = await startChild(dataDir, port);
    await expectObservedPresent(restarted.wsUrl, meeting.id, meeting.viewKey, observedVector, observedText);
    expect((await exportText(restarted.url, meeting.id, meeting.viewKey)).text).toBe(served.text);
    restarted.process.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
  });
});
