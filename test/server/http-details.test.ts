/**
 * HTTP details of the API, through `app.inject()` (no socket):
 * - a storage failure has its own answer, 503 storage_unavailable, and is not logged as an
 *   internal error;
 * - credentials (creation token, admin token, metrics token, meeting key) are checked before
 *   anything else about the request, so whoever lacks them learns 401 and nothing about the
 *   request's validity (not 400, 413 or 415);
 * - a deleted meeting answers 410 meeting_deleted to the holders of its keys, and only to them,
 *   also after a restart on the same data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type { AppDeps, MeetpadApp } from '../../server/app.js';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { type TestApp, buildTestApp, createMeeting } from '../helpers/inject-app.js';

type Store = NonNullable<AppDeps['store']>;

/**
 * Opens the real LevelDB store of `dir`: the one line that names the store's module and class.
 * (Before the storage refactor it read
 * `(await import('../../server/storage/store.js')).MeetingStore.open(dir)`.)
 */
const openStore = async (dir: string): Promise<Store> => (await import('../../server/storage/level-store.js')).LevelStore.open(dir);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A test app that is closed (and its directory removed) after the test. */
const appWith = async (options: Parameters<typeof buildTestApp>[0] = {}): Promise<TestApp> => {
  const built = await buildTestApp(options);
  cleanups.push(() => built.close());
  return built;
};

/** A temporary directory removed after the test (after the apps on it are closed). */
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'meetpad-details-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** Status and error code of an answer (`error` is undefined when the body is not a JSON error). */
const answer = (response: LightMyRequestResponse): { status: number; error: string | undefined } => {
  let error: string | undefined;
  try {
    error = (JSON.parse(response.body) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: response.statusCode, error };
};

const bearer = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { authorization: `Bearer ${key}` });

describe('a storage failure', () => {
  interface LogLine {
    level: number;
    msg?: string;
    reqId?: string;
  }

  /** An app on a store this test opened itself, with its log lines captured at level info. */
  const appOnOwnStore = async () => {
    const dataDir = await tempDir();
    const store = await openStore(dataDir);
    let open = true;
    /** Closes the store under the running app: every later read or write of it fails. */
    const failStorage = async (): Promise<void> => {
      if (!open) return;
      open = false;
      await store.close();
    };
    cleanups.push(failStorage);
    const lines: LogLine[] = [];
    const logStream = {
      write: (chunk: string): void => {
        for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      },
    };
    const { app } = await appWith({ dataDir, config: { logLevel: 'info' }, deps: { store, logStream } });
    /** Sends one request; returns its answer and the log lines of that request. */
    const send = async (request: InjectOptions) => {
      const mark = lines.length;
      const response = await app.inject(request);
      const written = lines.slice(mark);
      const reqId = written.find((line) => line.msg === 'incoming request')?.reqId;
      return { response, lines: reqId === undefined ? [] : written.filter((line) => line.reqId === reqId) };
    };
    return { app, failStorage, send };
  };

  const expectStorageUnavailable = ({ response, lines }: { response: LightMyRequestResponse; lines: LogLine[] }): void => {
    expect(answer(response)).toEqual({ status: 503, error: 'storage_unavailable' });
    expect(response.json()).toMatchObject({ error: 'storage_unavailable', message: expect.stringMatching(/\S/) });
    // The request was logged (so the capture works), but not as an internal error: a warning at most.
    expect(lines.some((line) => line.msg === 'incoming request')).toBe(true);
    expect(lines.filter((line) => line.level >= 50 && line.msg === 'request failed')).toEqual([]);
  };

  test('creating a meeting when the write fails answers 503 storage_unavailable, not an internal error', async () => {
    const { app, failStorage, send } = await appOnOwnStore();
    await createMeeting(app, { title: 'Written while storage works' });
    await failStorage();
    expectStorageUnavailable(await send({ method: 'POST', url: '/api/meetings', payload: { title: 'Written after it failed' } }));
  });

  test('exporting a meeting whose storage failed answers 503 storage_unavailable', async () => {
    const { app, failStorage, send } = await appOnOwnStore();
    const meeting = await createMeeting(app, { title: 'Stored' });
    await failStorage();
    expectStorageUnavailable(await send({ method: 'GET', url: `/api/meetings/${meeting.id}/export.md`, headers: bearer(meeting.viewKey) }));
  });
});

describe('credentials are checked before the request is validated', () => {
  const CREATE = 'create-token-0123456789abcdef';
  const ADMIN = 'admin-token-0123456789abcdef';
  const METRICS = 'metrics-token-0123456789abcdef';
  const NO_TOKEN = [undefined, 'wrong-token'];

  test('POST /api/meetings without the creation token is 401 token_required, whatever the body', async () => {
    const { app } = await appWith({ config: { createToken: CREATE, maxImportBytes: 1024 } });
    // Each request, and what it gets once the token is right (it is still refused, for its content).
    const invalid: Array<[string, InjectOptions, number]> = [
      ['an unknown body field', { payload: { nope: 1 } }, 400],
      ['a title too long', { payload: { title: 'x'.repeat(1001) } }, 400],
      ['a title that is not a string', { payload: { title: { text: 'x' } } }, 400],
      ['malformed JSON', { headers: { 'content-type': 'application/json' }, payload: '{"title":' }, 400],
      ['a query title too long', { url: `/api/meetings?title=${'x'.repeat(1001)}`, headers: { 'content-type': 'text/markdown' }, payload: '# Notes\n' }, 400],
      ['Markdown that is not UTF-8', { headers: { 'content-type': 'text/markdown' }, payload: Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9]) }, 400],
      ['an unsupported media type', { headers: { 'content-type': 'application/xml' }, payload: '<meeting/>' }, 415],
      ['a body over the limit', { headers: { 'content-type': 'text/markdown' }, payload: Buffer.alloc(4 * 1024 + 1, 0x61) }, 413],
    ];
    const post = (request: InjectOptions, token: string | undefined) =>
      app.inject({ method: 'POST', url: '/api/meetings', ...request, headers: { ...(request.headers ?? {}), ...bearer(token) } });
    for (const [what, request] of invalid) {
      for (const token of NO_TOKEN) {
        expect(answer(await post(request, token)), `${what}, token ${String(token)}`).toEqual({ status: 401, error: 'token_required' });
      }
    }
    for (const [what, request, status] of invalid) expect((await post(request, CREATE)).statusCode, `${what}, right token`).toBe(status);
  });

  test('GET /api/meetings without the admin token is 401 token_required, whatever the query', async () => {
    const { app } = await appWith({ config: { adminToken: ADMIN } });
    for (const query of ['limit=abc', 'limit=0', 'limit=501', `cursor=${'c'.repeat(201)}`]) {
      for (const token of NO_TOKEN) {
        expect(answer(await app.inject({ method: 'GET', url: `/api/meetings?${query}`, headers: bearer(token) })), `${query}, token ${String(token)}`).toEqual({
          status: 401,
          error: 'token_required',
        });
      }
      expect((await app.inject({ method: 'GET', url: `/api/meetings?${query}`, headers: bearer(ADMIN) })).statusCode, `${query}, right token`).toBe(400);
    }
  });

  test('a meeting route with a valid id and no key is 401 key_required, even with an invalid query', async () => {
    const { app } = await appWith();
    const meeting = await createMeeting(app, { title: 'Keyless' });
    // The query schema wants `key` to be one string; given twice it is not. Both are empty: no key.
    for (const [method, path] of [
      ['GET', `/api/meetings/${meeting.id}`],
      ['GET', `/api/meetings/${meeting.id}/export.md`],
      ['DELETE', `/api/meetings/${meeting.id}`],
    ] as const) {
      expect(answer(await app.inject({ method, url: `${path}?key=&key=` })), `${method} ${path}`).toEqual({ status: 401, error: 'key_required' });
    }
    expect((await app.inject({ method: 'GET', url: `/api/meetings/${meeting.id}`, headers: bearer(meeting.editKey) })).statusCode).toBe(200);
  });

  test('GET /api/admin/backup and GET /metrics without their tokens are 401 token_required', async () => {
    const { app } = await appWith({ config: { adminToken: ADMIN, metricsToken: METRICS } });
    for (const [url, token] of [
      ['/api/admin/backup', ADMIN],
      ['/metrics', METRICS],
    ] as const) {
      for (const wrong of NO_TOKEN) {
        expect(answer(await app.inject({ method: 'GET', url, headers: bearer(wrong) })), `${url}, token ${String(wrong)}`).toEqual({ status: 401, error: 'token_required' });
      }
      expect((await app.inject({ method: 'GET', url, headers: bearer(token) })).statusCode, `${url}, right token`).toBe(200);
    }
  });
});

describe('a deleted meeting', () => {
  const NEVER_EXISTED = 'neverExisted-0123456789';
  const MADE_UP_KEY = 'A'.repeat(43);
  const pathsOf = (id: string): string[] => [`/api/meetings/${id}`, `/api/meetings/${id}/export.md`];

  const create = async (app: MeetpadApp): Promise<{ deleted: CreatedMeeting; other: CreatedMeeting }> => {
    const deleted = await createMeeting(app, { title: 'Deleted' });
    const other = await createMeeting(app, { title: 'Other' });
    expect((await app.inject({ method: 'DELETE', url: `/api/meetings/${deleted.id}`, headers: bearer(deleted.editKey) })).statusCode).toBe(204);
    return { deleted, other };
  };

  /** Only the deleted meeting's own keys learn that it was deleted. */
  const expectDeletedAnswers = async (app: MeetpadApp, { deleted, other }: { deleted: CreatedMeeting; other: CreatedMeeting }): Promise<void> => {
    for (const path of pathsOf(deleted.id)) {
      for (const key of [deleted.editKey, deleted.viewKey]) {
        const role = key === deleted.editKey ? 'edit key' : 'view key';
        expect(answer(await app.inject({ method: 'GET', url: path, headers: bearer(key) })), `${path}, its ${role} as Bearer`).toEqual({ status: 410, error: 'meeting_deleted' });
        expect(answer(await app.inject({ method: 'GET', url: `${path}?key=${key}` })), `${path}, its ${role} as ?key=`).toEqual({ status: 410, error: 'meeting_deleted' });
      }
      for (const [what, key] of [
        ['a made-up key', MADE_UP_KEY],
        ["another meeting's edit key", other.editKey],
        ["another meeting's view key", other.viewKey],
      ] as const) {
        const response = await app.inject({ method: 'GET', url: path, headers: bearer(key) });
        expect([401, 404], `${path}, ${what}: ${response.statusCode} ${response.body}`).toContain(response.statusCode);
        expect(response.body, `${path}, ${what}`).not.toContain('meeting_deleted');
      }
      expect(answer(await app.inject({ method: 'GET', url: path })), `${path}, no key`).toEqual({ status: 401, error: 'key_required' });
    }
    for (const path of pathsOf(NEVER_EXISTED)) {
      for (const key of [deleted.editKey, other.editKey, MADE_UP_KEY]) {
        expect(answer(await app.inject({ method: 'GET', url: path, headers: bearer(key) })), `${path}, never existed`).toEqual({ status: 404, error: 'meeting_not_found' });
      }
    }
    expect((await app.inject({ method: 'GET', url: `/api/meetings/${other.id}`, headers: bearer(other.viewKey) })).statusCode).toBe(200);
  };

  test('answers 410 meeting_deleted to its key holders; others get 401 or 404, unknown ids 404', async () => {
    const { app } = await appWith();
    await expectDeletedAnswers(app, await create(app));
  });

  test('still answers 410 after a restart on the same data directory', async () => {
    const dataDir = await tempDir();
    const first = await appWith({ dataDir });
    const meetings = await create(first.app);
    await first.close();
    const second = await appWith({ dataDir });
    await expectDeletedAnswers(second.app, meetings);
  });
});
