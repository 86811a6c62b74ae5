/**
 * Helpers for the operations tests: a real app whose JSON log lines are captured, Prometheus text
 * parsing, and the command-line tools run as child processes (through tsx, no build needed).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A real server on port 0 whose log lines are kept in `logs`. */
export interface LoggedServer extends TestServer {
  logs: string[];
}

/** Starts the real app on 127.0.0.1:0 with a temporary data directory, capturing its logs. */
export const startLoggedServer = async (config: Partial<Config> = {}): Promise<LoggedServer> => {
  const logs: string[] = [];
  const server = await startTestServer({ config: { logLevel: 'info', ...config }, deps: { logStream: { write: (line: string) => void logs.push(line) } } });
  return { ...server, logs };
};

/** The value of one sample in Prometheus text, or undefined; `labels` must match exactly. */
export const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(/,(?=\w+=")/).filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
};

/** GET /metrics as text (throws on a non-200 answer). */
export const scrape = async (url: string, token?: string): Promise<string> => {
  const response = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
};

/** The result of a child process. */
export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point (`server/cli/backup.ts`, `server/main.ts`...) with node and tsx. */
export const runScript = (script: string, args: string[], env: Record<string, string> = {}): Promise<ToolRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
