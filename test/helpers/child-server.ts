/**
 * The server as a child process, for tests that kill it (`kill -9`, SIGTERM). Runs the TypeScript
 * source through tsx, so no build is needed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running server process. */
export interface ChildServer {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  /** Every line the process wrote (stdout and stderr). */
  output: string[];
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Starts `server/main.ts` on a free port with `dataDir`; resolves once it logged that it is ready. */
export const spawnServer = (dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (!line.includes('meetpad ready')) return;
        const { port } = JSON.parse(line) as { port: number };
        resolve({ process: child, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, output, exited });
      });
    }
    void exited.then((code) => reject(new Error(`server exited (${code}) before it was ready:\n${output.join('\n')}`)));
  });
};
