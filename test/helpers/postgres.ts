/**
 * A real PostgreSQL for tests, from the system's binaries: `initdb` into a temporary directory, a
 * server on a free port of 127.0.0.1, one fresh database per caller, everything removed by `stop`.
 * PostgreSQL refuses to run as root: as root, the directory is given to the `postgres` user and the
 * binaries run as that user (`runuser`). Missing binaries are an error naming Debian's package,
 * never a skipped test.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

/** A running PostgreSQL server. */
export interface PostgresServer {
  port: number;
  /** The URL of database `name`. */
  url(name: string): string;
  /** Creates a new, empty database; resolves with its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), keeping its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port. */
  resume(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** The postmaster's process id (benchmarks add up the CPU time of it and its backends). */
  postmasterPid(): Promise<number>;
}

/** The directory of the newest installed PostgreSQL's binaries; throws naming the package if none. */
export const postgresBinDir = (): string => {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((name) => existsSync(join(PG_ROOT, name, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb). These tests start a real PostgreSQL: install Debian's package with \`apt-get install -y postgresql\` (or run .ci/run, which does).`);
  }
  return join(PG_ROOT, newest, 'bin');
};

const asRoot = userInfo().uid === 0;

// As root, the binaries run as the postgres user, which owns the directory.
const pgCommand = (bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
  asRoot ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);

/**
 * Starts a PostgreSQL server in a new temporary directory. Tests never crash PostgreSQL itself, so
 * by default it skips flushing its own files; `durable` keeps PostgreSQL's defaults (fsync, a WAL
 * flush per commit), as a production server runs: the benchmarks use that.
 */
export const startPostgres = async ({ durable = false }: { durable?: boolean } = {}): Promise<PostgresServer> => {
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'meetpad-pg-'));
  const data = join(dir, 'data');
  if (asRoot) await chown(dir, ...(await postgresIds()));
  await pgCommand(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const fast = durable ? '' : ' -c fsync=off -c full_page_writes=off -c synchronous_commit=off';
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300${fast}`;
  const start = async (): Promise<void> => {
    try {
      await pgCommand(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    } catch (error) {
      const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
    }
  };
  const stopServer = () => pgCommand(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).then(() => undefined);
  await start();
  let databases = 0;
  const url = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  let running = true;
  return {
    port,
    url,
    createDatabase: async () => {
      const name = `meetpad_test_${++databases}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    pause: async () => {
      await stopServer();
      running = false;
    },
    resume: async () => {
      await start();
      running = true;
    },
    postmasterPid: async () => Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]),
    stop: async () => {
      if (running) await stopServer().catch(() => {});
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
};

const postgresIds = async (): Promise<[number, number]> => {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
  } catch {
    throw new Error('Running as root, but there is no `postgres` user to run PostgreSQL as: install Debian\'s package with `apt-get install -y postgresql`.');
  }
};
