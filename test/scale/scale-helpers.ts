/**
 * What the multi-instance tests share: real engines (PostgreSQL and Redis from the system's
 * binaries), meetpad instances on them (in this process, or as child processes that a test may
 * `kill -9`), and attendees that connect to a random instance.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Config } from '../../server/config.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built server (tests that spawn instances build it first: see ensureBuilt). */
export const MAIN = join(ROOT, 'dist/server/main.js');

/** Builds dist/server/main.js unless it is newer than every server and shared source. */
export const ensureBuilt = async (): Promise<void> => {
  let newest = 0;
  for (const dir of ['server', 'shared']) {
    for (const entry of await readdir(join(ROOT, dir), { recursive: true })) if (entry.endsWith('.ts')) newest = Math.max(newest, (await stat(join(ROOT, dir, entry))).mtimeMs);
  }
  if (!existsSync(MAIN) || (await stat(MAIN)).mtimeMs < newest) await promisify(execFile)('npm', ['run', 'build:server'], { cwd: ROOT });
};

/** Bus timings short enough for tests (the defaults are for production). */
export const FAST_BUS = { busHeartbeatMs: 100, busPresenceTtlMs: 600, busCatchupMs: 250 } as const;

/** A PostgreSQL server and a Redis, started for a test file. */
export interface Engines {
  postgres: PostgresServer;
  redis: RedisServer;
  stop(): Promise<void>;
}

/** Starts both engines. */
export const startEngines = async (): Promise<Engines> => {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  return {
    postgres,
    redis,
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
};

/** What every test of a scale file shares: the file's engines and the steps to undo after each test. */
export interface ScaleSuite {
  /** PostgreSQL and Redis, started before the file's first test. */
  readonly engines: Engines;
  /** Cleanup steps, run after each test, the last added first. */
  readonly cleanup: Array<() => unknown>;
}

/**
 * Registers a scale test file's hooks: engines for the whole file (after building the server when
 * its tests spawn `dist/server/main.js`), stopped after the last test, and the cleanup list.
 */
export const useEngines = ({ built = false }: { built?: boolean } = {}): ScaleSuite => {
  let engines: Engines | undefined;
  const cleanup: Array<() => unknown> = [];
  beforeAll(async () => {
    if (built) await ensureBuilt();
    engines = await startEngines();
  }, 180_000);
  afterAll(async () => {
    await engines?.stop();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  return {
    get engines(): Engines {
      if (!engines) throw new Error('the engines start before the first test');
      return engines;
    },
    cleanup,
  };
};

/** The configuration of an instance on `databaseUrl` joined through `redisUrl`. */
export const scaleConfig = (databaseUrl: string, redisUrl: string, overrides: Partial<Config> = {}): Partial<Config> => ({
  store: 'postgres',
  databaseUrl,
  redisUrl,
  pgPoolSize: 4,
  ...FAST_BUS,
  ...overrides,
});

/** Starts `count` in-process instances sharing one database and one Redis. */
export const startInstances = async (count: number, databaseUrl: string, redisUrl: string, overrides: Partial<Config> = {}): Promise<TestServer[]> => {
  const servers: TestServer[] = [];
  for (let i = 0; i < count; i++) servers.push(await startTestServer({ config: scaleConfig(databaseUrl, redisUrl, overrides) }));
  return servers;
};

/** Waits until every instance hears all the others on the bus (the gauge its metrics report). */
export const waitForMesh = async (servers: TestServer[]): Promise<void> => {
  for (const server of servers) {
    await waitFor(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return new RegExp(`^meetpad_bus_instances ${servers.length - 1}$`, 'm').test(text);
    }, 'every instance to hear the others');
  }
};

/** An instance as a child process (`node dist/server/main.js`). */
export interface ChildInstance {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  port: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
  kill9(): Promise<void>;
}

/** The environment of a child instance on `databaseUrl` joined through `redisUrl` (fast bus timings). */
export const scaleEnv = (databaseUrl: string, redisUrl: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  MEETPAD_BUS_HEARTBEAT_MS: String(FAST_BUS.busHeartbeatMs),
  MEETPAD_BUS_PRESENCE_TTL_MS: String(FAST_BUS.busPresenceTtlMs),
  MEETPAD_BUS_CATCHUP_MS: String(FAST_BUS.busCatchupMs),
});

/** Starts the built server as a child process on `port` with the scale-out configuration. */
export const spawnInstance = async (port: number, env: Record<string, string>): Promise<ChildInstance> => {
  const dataDir = await tempDir('meetpad-scale-child-');
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('MEETPAD_') && name !== 'DATABASE_URL' && name !== 'REDIS_URL') childEnv[name] = value;
  Object.assign(childEnv, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEETPAD_STORE: 'postgres', MEETPAD_PG_POOL_SIZE: '4', MEETPAD_ROOM_IDLE_MS: '500', ...env });
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => rm(dataDir, { recursive: true, force: true }));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => gone || (await fetch(`${url}/readyz`).then((r) => (r.body?.cancel(), r.ok), () => false)), `instance on port ${port} to be ready`);
  if (gone) throw new Error(`instance exited before it was ready:\n${output.join('')}`);
  return {
    process: child,
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    output,
    exited,
    kill9: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
};
