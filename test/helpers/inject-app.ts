/**
 * The real meetpad app for route tests that need no socket: built by `buildApp` on a temporary
 * LevelDB and never listening. Requests go through `app.inject()` (Fastify's own way of testing
 * routes): the whole request lifecycle runs, and every response body is read in full.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppDeps, buildApp, type MeetpadApp } from '../../server/app.js';
import { configWith, type Config } from '../../server/config.js';
import type { CreatedMeeting } from '../../shared/api-types.js';

/** A built, not listening, test app. */
export interface TestApp {
  app: MeetpadApp;
  dataDir: string;
  /**
   * Closes the app (idempotent); the data directory is removed unless it was given or `keepData`
   * is set.
   */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Builds the real app with `configWith` defaults, `logLevel: 'silent'` (unless `config` says
 * otherwise) and a fresh temporary data directory. Pass `dataDir` to reuse a directory (restarts);
 * it is then the caller's to remove. `deps` go to `buildApp` as they are (a store, a log stream).
 */
export const buildTestApp = async (
  options: { config?: Partial<Omit<Config, 'dataDir'>>; deps?: AppDeps; dataDir?: string } = {},
): Promise<TestApp> => {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'meetpad-inject-')));
  const removeDir = (): Promise<void> => rm(dataDir, { recursive: true, force: true });
  let app: MeetpadApp;
  try {
    app = await buildApp(configWith({ logLevel: 'silent', ...options.config, dataDir }), options.deps);
    await app.ready();
  } catch (error) {
    if (ownDir) await removeDir();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    dataDir,
    close: ({ keepData = false } = {}) =>
      (closing ??= (async () => {
        try {
          await app.close();
        } finally {
          if (ownDir && !keepData) await removeDir();
        }
      })()),
  };
};

/** Creates a meeting through `POST /api/meetings`; throws unless the answer is 201. */
export const createMeeting = async (app: MeetpadApp, body: { title?: string; markdown?: string } = {}): Promise<CreatedMeeting> => {
  const response = await app.inject({ method: 'POST', url: '/api/meetings', payload: body });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json<CreatedMeeting>();
};
