/**
 * A real Redis for tests, from the system's `redis-server`: a child process on a free port of
 * 127.0.0.1 that persists nothing, which a test may kill (-9) and start again on the same port.
 * A missing binary is an error naming Debian's package, never a skipped test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from './ports.js';

/** A running (or stopped, restartable) Redis. */
export interface RedisServer {
  port: number;
  url: string;
  /** Kills it with SIGKILL (what a crash looks like to clients). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it persisted nothing). */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
  /** The process id while it runs (benchmarks read its CPU time). */
  pid(): number | undefined;
}

/** The redis-server binary; throws naming the package if it is missing. */
export const redisBinary = (): string => {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("redis-server is not installed. These tests start a real Redis: install Debian's package with `apt-get install -y redis-server` (or run .ci/run, which does).");
  }
};

const launch = (binary: string, port: number): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts redis-server on a free port. */
export const startRedis = async (): Promise<RedisServer> => {
  const binary = redisBinary();
  const port = await freePort();
  let child: ChildProcess | null = await launch(binary, port);
  const kill = async () => {
    const current = child;
    child = null;
    if (!current) return;
    current.kill('SIGKILL');
    await exited(current);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill();
      child = await launch(binary, port);
    },
    stop: kill,
    pid: () => child?.pid,
  };
};
