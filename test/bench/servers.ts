/**
 * Starts the servers under test as child processes on 127.0.0.1: meetpad (`dist/server/main.js`),
 * the reference (`reference-server.mjs`: @y/websocket-server 0.1.1 + y-leveldb 0.2.0) and
 * Hocuspocus 4 (`hocuspocus-server.mjs`: extension-database on LevelDB, or on PostgreSQL with Redis
 * for the scale-out deployments). All get the same node flags and the same probe (heap numbers over
 * IPC); meetpad's per-address and per-connection rate limits are raised because all load comes from
 * one address and the peers have no such limits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, memory } from './proc.js';
import { sleep } from './stats.js';

/** Which server (of the three the single-instance scenarios compare). */
export type Kind = 'meetpad' | 'reference' | 'hocuspocus';
/** Any server the benchmarks start (the scale-out deployments run the same three scripts). */
export type ServerKind = Kind;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST = '127.0.0.1';

/** Limits raised for meetpad in every scenario (documented in BENCHMARKS.md). */
export const MEETPAD_BENCH_ENV: Record<string, string> = {
  MEETPAD_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  MEETPAD_MAX_CONNECTIONS_PER_MEETING: '100000',
  MEETPAD_MESSAGES_PER_SECOND: '1000000',
  MEETPAD_BYTES_PER_SECOND: String(1024 * 1024 * 1024),
};

/** A meeting (meetpad) or room (reference) the benchmark created. */
export interface Meeting {
  id: string;
  /** Edit key (meetpad); empty for the reference. */
  key: string;
}

/** A running server process. */
export interface Server {
  kind: ServerKind;
  port: number;
  pid: number;
  dataDir: string;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  /** Creates a meeting (meetpad: POST /api/meetings with empty Markdown; reference: a fresh room name). */
  createMeeting(): Promise<Meeting>;
  /** WebSocket URL of a meeting; `acks` asks meetpad for saved messages. */
  wsUrl(meeting: Meeting, options?: { acks?: boolean }): string;
  /** The URL attendee `index` of a meeting uses (a cluster spreads them over its instances); default wsUrl. */
  wsUrlFor?(meeting: Meeting, index: number): string;
  /** Reference: resolves once y-leveldb's write queue has drained; Hocuspocus: once no store is debounced or running. */
  flushed(): Promise<void>;
  cpuSeconds(): number;
  memory(): { rssMiB: number; peakRssMiB: number };
  /** process.memoryUsage() inside the server after a full GC. */
  heap(): Promise<NodeJS.MemoryUsage>;
  /** SIGTERM (meetpad drains; the reference just dies), wait for exit. */
  stop(): Promise<void>;
  /** kill -9, wait for exit. */
  kill9(): Promise<void>;
  /** End of a scenario: kill -9, or with BENCH_CPU_PROF a clean stop (so the profile gets written). */
  end(): Promise<void>;
  /** Everything the process wrote to stderr. */
  stderr: string[];
}

/** A free TCP port on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A fresh temporary data directory. */
export const tempDataDir = (kind: ServerKind): string => mkdtempSync(join(tmpdir(), `bench-${kind}-`));

/** Removes a data directory. */
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export interface StartOptions {
  dataDir: string;
  /** Extra environment for meetpad (e.g. MEETPAD_ROOM_IDLE_MS). */
  env?: Record<string, string>;
  /** Resolve right after spawning, without waiting for readiness (cold start measures that itself). */
  noWait?: boolean;
}

/** Starts a server; resolves once it answers HTTP (unless noWait). */
export const startServer = async (kind: ServerKind, options: StartOptions): Promise<Server> => {
  const port = await freePort();
  const nodeArgs = ['--expose-gc', '--import', join(ROOT, 'test/bench/probe.mjs')];
  const profDir = process.env.BENCH_CPU_PROF;
  if (profDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', join(profDir, kind), ...(process.env.BENCH_CPU_PROF_INTERVAL ? ['--cpu-prof-interval', process.env.BENCH_CPU_PROF_INTERVAL] : []));
  const { YPERSISTENCE: _ignored, ...parentEnv } = process.env;
  const env: Record<string, string | undefined> =
    kind === 'meetpad'
      ? { ...parentEnv, PORT: String(port), HOST, DATA_DIR: options.dataDir, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...MEETPAD_BENCH_ENV, ...options.env }
      : kind === 'hocuspocus'
        ? { ...parentEnv, PORT: String(port), HOST, BENCH_DATA_DIR: options.dataDir, ...options.env }
        : { ...parentEnv, PORT: String(port), HOST, BENCH_DATA_DIR: options.dataDir };
  // BENCH_MEETPAD_MAIN=dist/server/other/main.js (`node server/cli/bundle.mjs dist/server/other`) runs another build of meetpad (before/after comparisons).
  const meetpadMain = process.env.BENCH_MEETPAD_MAIN ?? 'dist/server/main.js';
  const script = join(ROOT, kind === 'meetpad' ? meetpadMain : kind === 'hocuspocus' ? 'test/bench/hocuspocus-server.mjs' : 'test/bench/reference-server.mjs');
  const spawnedAt = performance.now();
  // BENCH_LOG_LEVEL=info (say) keeps meetpad's log lines too, with its stderr.
  const logs = process.env.BENCH_LOG_LEVEL !== undefined;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], { cwd: ROOT, env, stdio: ['ignore', logs ? 'pipe' : 'ignore', 'pipe', 'ipc'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const pid = child.pid!;
  const base = `http://${HOST}:${port}`;
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));

  const waitExit = async (signal: NodeJS.Signals): Promise<void> => {
    if (exitedYet) return;
    child.kill(signal);
    await exited;
  };

  const server: Server = {
    kind,
    port,
    pid,
    dataDir: options.dataDir,
    spawnedAt,
    exited,
    stderr,
    createMeeting: async () => {
      if (kind !== 'meetpad') return { id: `room-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`, key: '' };
      const response = await fetch(`${base}/api/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'bench', markdown: '' }),
      });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
      const { id, editKey } = (await response.json()) as { id: string; editKey: string };
      return { id, key: editKey };
    },
    wsUrl: (meeting, { acks = false } = {}) =>
      kind === 'meetpad'
        ? `ws://${HOST}:${port}/collab/${meeting.id}?key=${encodeURIComponent(meeting.key)}${acks ? '&acks=1' : ''}`
        : kind === 'hocuspocus'
          ? `ws://${HOST}:${port}/#hocuspocus=${encodeURIComponent(meeting.id)}`
          : `ws://${HOST}:${port}/${meeting.id}`,
    flushed: async () => {
      if (kind === 'meetpad') return;
      const response = await fetch(`${base}/__bench/flushed`);
      await response.text();
    },
    cpuSeconds: () => cpuSeconds(pid),
    memory: () => memory(pid),
    heap: () =>
      new Promise((resolve, reject) => {
        const onMessage = (message: { mem?: NodeJS.MemoryUsage }) => {
          if (!message.mem) return;
          child.off('message', onMessage);
          resolve(message.mem);
        };
        child.on('message', onMessage);
        child.send('mem', (error) => error && reject(error));
      }),
    stop: async () => {
      if (profDir && !exitedYet) {
        // Let --cpu-prof write its profile: meetpad drains on SIGTERM anyway; the reference needs a
        // clean exit; Hocuspocus stores what is debounced on SIGTERM, then exits.
        if (kind === 'reference') child.send('exit');
        else child.kill('SIGTERM');
        await exited;
        return;
      }
      await waitExit('SIGTERM');
    },
    kill9: () => waitExit('SIGKILL'),
    end: () => (profDir ? server.stop() : waitExit('SIGKILL')),
  };
  if (options.noWait) return server;
  await waitReady(server, base);
  return server;
};

const waitReady = async (server: Server, base: string): Promise<void> => {
  const path = server.kind === 'meetpad' ? '/readyz' : '/';
  const deadline = performance.now() + 30_000;
  let exited = false;
  void server.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${server.kind} exited before it was ready:\n${server.stderr.join('')}`);
    try {
      const response = await fetch(`${base}${path}`);
      await response.text();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${server.kind} did not become ready:\n${server.stderr.join('')}`);
    await sleep(5);
  }
};
