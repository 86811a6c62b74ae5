/**
 * Deployments of several instances for the scale-out benchmarks: N meetpad instances on one
 * PostgreSQL and one Redis (or one on LevelDB, the baseline), or N Hocuspocus 4 instances with
 * their Redis and database extensions on the same engines. The engines are the test harness's
 * (test/helpers/postgres.ts, redis.ts: the system's binaries). A cluster looks like one Server to
 * the load generator: meetings are created on the first instance and a meeting's attendees are
 * spread round-robin over the instances; CPU is counted per instance and per engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { cpuSeconds } from './proc.js';
import { removeDir, startServer, tempDataDir, type Meeting, type Server } from './servers.js';

/** One deployment under test. */
export interface Deployment {
  /** Short label used in metric names: level1, pg1, pg3, hocus2... */
  label: string;
  server: 'meetpad-level' | 'meetpad-postgres' | 'hocuspocus';
  instances: number;
}

/** The deployments the scale-out benchmarks compare. */
export const DEPLOYMENTS: Deployment[] = [
  { label: 'level1', server: 'meetpad-level', instances: 1 },
  { label: 'pg1', server: 'meetpad-postgres', instances: 1 },
  { label: 'pg2', server: 'meetpad-postgres', instances: 2 },
  { label: 'pg3', server: 'meetpad-postgres', instances: 3 },
  { label: 'hocus1', server: 'hocuspocus', instances: 1 },
  { label: 'hocus2', server: 'hocuspocus', instances: 2 },
  { label: 'hocus3', server: 'hocuspocus', instances: 3 },
];

/** PostgreSQL and Redis for a benchmark run. */
export interface Engines {
  postgres: PostgresServer;
  redis: RedisServer;
  /** CPU seconds so far of PostgreSQL (postmaster, its backends, and reaped ones) and of Redis. */
  cpu(): Promise<{ postgres: number; redis: number }>;
  stop(): Promise<void>;
}

// CPU of a process and of its reaped children (cutime + cstime), in seconds.
const cpuWithReaped = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
};

const childrenOf = (parent: number): number[] => {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
};

/** Starts both engines. */
export const startEngines = async (): Promise<Engines> => {
  // PostgreSQL as in production: fsync on, a WAL flush per commit (synchronous_commit=on).
  const [postgres, redis] = await Promise.all([startPostgres({ durable: true }), startRedis()]);
  return {
    postgres,
    redis,
    cpu: async () => {
      const postmaster = await postgres.postmasterPid();
      let pg = cpuWithReaped(postmaster);
      for (const child of childrenOf(postmaster)) pg += cpuSeconds(child);
      const redisPid = redis.pid();
      return { postgres: pg, redis: redisPid ? cpuSeconds(redisPid) : 0 };
    },
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
};

/** A running deployment. */
export interface Cluster extends Server {
  instances: Server[];
  /** The deployment's database ('' for LevelDB). */
  databaseUrl: string;
  /** CPU seconds of all instances together. */
  instancesCpu(): number;
  stopAll(): Promise<void>;
}

/** The environment of a meetpad instance on the engines. */
export const meetpadScaleEnv = (databaseUrl: string, redisUrl: string): Record<string, string> => ({
  MEETPAD_STORE: 'postgres',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  MEETPAD_PG_POOL_SIZE: '10',
});

/** Starts a deployment on a fresh database (or on `databaseUrl`, to restart one). */
export const startCluster = async (deployment: Deployment, engines: Engines, databaseUrl_?: string): Promise<Cluster> => {
  const databaseUrl = databaseUrl_ ?? (deployment.server === 'meetpad-level' ? '' : await engines.postgres.createDatabase());
  const dirs: string[] = [];
  const instances: Server[] = [];
  for (let i = 0; i < deployment.instances; i++) {
    const kind = deployment.server === 'hocuspocus' ? 'hocuspocus' : 'meetpad';
    const dataDir = tempDataDir(kind);
    dirs.push(dataDir);
    const env =
      deployment.server === 'meetpad-postgres'
        ? meetpadScaleEnv(databaseUrl, engines.redis.url)
        : deployment.server === 'hocuspocus'
          ? { DATABASE_URL: databaseUrl, REDIS_URL: engines.redis.url }
          : {};
    instances.push(await startServer(kind, { dataDir, env }));
  }
  const first = instances[0]!;
  return {
    ...first,
    instances,
    databaseUrl,
    createMeeting: () => first.createMeeting(),
    wsUrl: (meeting: Meeting, options?: { acks?: boolean }) => first.wsUrl(meeting, options),
    wsUrlFor: (meeting: Meeting, index: number) => instances[index % instances.length]!.wsUrl(meeting),
    instancesCpu: () => instances.reduce((sum, instance) => sum + instance.cpuSeconds(), 0),
    memory: () => {
      const all = instances.map((instance) => instance.memory());
      return { rssMiB: all.reduce((s, m) => s + m.rssMiB, 0), peakRssMiB: all.reduce((s, m) => s + m.peakRssMiB, 0) };
    },
    stopAll: async () => {
      await Promise.all(instances.map((instance) => instance.kill9()));
      for (const dir of dirs.splice(0)) removeDir(dir);
    },
  };
};
