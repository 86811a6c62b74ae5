/**
 * What the webhook tests share: a real server on a ManualClock (private targets allowed, short
 * retry and debounce), a real receiver, JSON calls, and the ways to move time and wait for I/O.
 * Each test file keeps its own cleanup list and passes it in.
 */
import { expect } from 'vitest';
import type { CreatedMeeting, CreatedWebhook } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import type { Config } from '../../server/config.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import type { ManualClock } from '../helpers/manual-clock.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/** The admin token of the webhook tests' servers. */
export const ADMIN = 'admin-token-for-webhook-tests';
/** The servers' first retry delay. */
export const RETRY_MS = 1000;
/** The servers' meeting.updated debounce. */
export const DEBOUNCE_MS = 5000;
/** The servers' attempt timeout. */
export const TIMEOUT_MS = 3000;

/** Cleanup steps, run newest first by the test file's afterEach. */
export type Cleanups = Array<() => Promise<void> | void>;

/** Starts a receiver, closed at cleanup. */
export const receiver = async (cleanups: Cleanups): Promise<Receiver> => {
  const started = await startReceiver();
  cleanups.push(() => started.close());
  return started;
};

/** Starts a server on `clock`, closed at cleanup. */
export const server = async (cleanups: Cleanups, clock: ManualClock, config: Partial<Config> = {}): Promise<TestServer> => {
  const started = await startTestServer({
    deps: { clock },
    config: { adminToken: ADMIN, webhookAllowPrivate: true, webhookDebounceMs: DEBOUNCE_MS, webhookRetryMs: RETRY_MS, webhookTimeoutMs: TIMEOUT_MS, ...config },
  });
  cleanups.push(() => started.close());
  return started;
};

/** Joins a meeting with the stock provider, destroyed at cleanup. */
export const join = async (cleanups: Cleanups, target: TestServer, meeting: CreatedMeeting): Promise<Attendee> => {
  const attendee = await joinMeeting(target.wsUrl, meeting.id, meeting.editKey);
  cleanups.push(() => attendee.destroy());
  return attendee;
};

/** A JSON API call; the body is always read. */
export const call = async (target: TestServer, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any }> => {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
};

/** Adds a webhook to `scope` (a path like `/api/admin`), expecting 201. */
export const addWebhook = async (target: TestServer, scope: string, key: string, body: unknown): Promise<CreatedWebhook> => {
  const { status, json } = await call(target, 'POST', `${scope}/webhooks`, key, body);
  expect(status, JSON.stringify(json)).toBe(201);
  return json as CreatedWebhook;
};

/** Moves the clock on (timers due now fire) until `check` holds: real I/O happens in between. */
export const pump = (clock: ManualClock, check: () => boolean | Promise<boolean>, what: string) =>
  waitFor(async () => {
    await clock.advance(0);
    return check();
  }, what);

/** Lets real I/O that is under way finish, firing the timers that fall due meanwhile. */
export const idle = async (clock: ManualClock, rounds = 10): Promise<void> => {
  for (let i = 0; i < rounds; i++) {
    await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Waits until the server has the text on disk (the export shows only durable text). */
export const durable = (target: TestServer, meeting: CreatedMeeting, text: string) =>
  waitFor(async () => (await (await fetch(`${target.url}/api/meetings/${meeting.id}/export.md?key=${meeting.editKey}`)).text()).includes(text), `"${text}" on disk`);

/** Lets the durable-change hook fire, then the webhook debounce. */
export const quietPeriod = async (clock: ManualClock): Promise<void> => {
  await clock.advance(1000);
  await clock.advance(DEBOUNCE_MS);
};

/** Types at the end of the notes. */
export const append = (attendee: Attendee, text: string): void => notesOf(attendee.doc).insert(notesOf(attendee.doc).length, text);

/** Every record a store holds in the webhook collections, as `collection key` lines (what deleting must leave empty). */
export const webhookRecords = async (target: TestServer): Promise<string[]> => {
  const { store } = target.app.meetpad;
  const names = ['webhooks', 'webhook-outbox'];
  const lists = await Promise.all(names.map(async (name) => (await store.collection(name).list()).map(({ key }) => `${name} ${key}`)));
  return lists.flat();
};
