/**
 * A real meetpad server for tests: the real app on 127.0.0.1, port 0, with a temporary LevelDB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppDeps, buildApp, type MeetpadApp } from '../../server/app.js';
import { configWith, type Config } from '../../server/config.js';
import type { CreatedMeeting } from '../../shared/api-types.js';

/** A running test server. */
export interface TestServer {
  url: string;
  wsUrl: string;
  dataDir: string;
  app: MeetpadApp;
  /** Closes the server; the data directory is removed unless it was given or `keepData` is set. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** A fresh temporary directory. */
export const tempDir = (prefix = 'meetpad-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));

/**
 * Starts the real app on port 0 (or `port`). Pass `dataDir` to reuse a directory (restarts), `deps`
 * for a client directory or a log stream.
 */
export const startTestServer = async (options: { dataDir?: string; port?: number; config?: Partial<Config>; deps?: AppDeps } = {}): Promise<TestServer> => {
  const dataDir = options.dataDir ?? (await tempDir());
  const config = configWith({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', roomIdleMs: 500, ...options.config });
  const app = await buildApp(config, options.deps);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    dataDir,
    app,
    close: async ({ keepData = false } = {}) => {
      await app.close();
      if (!options.dataDir && !keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

export type { CreatedMeeting };

/** Creates a meeting through the HTTP API. */
export const createMeeting = async (url: string, body: { title?: string; markdown?: string } = {}): Promise<CreatedMeeting> => {
  const response = await fetch(`${url}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedMeeting;
};

/** Polls until `check` returns true (or a truthy value); fails with `what` after `timeoutMs`. */
export const waitFor = async <T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
