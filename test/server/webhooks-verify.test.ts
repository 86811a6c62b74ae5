/**
 * Receivers can check what they get (GUIDE 1.11): a real delivery verifies with the official
 * Standard Webhooks library, and with the README's ten-line example, run as the README prints it;
 * a tampered body, another secret, a stale or missing timestamp do not.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterEach, expect, test } from 'vitest';
import { newSecret, signedHeaders } from '../../server/webhooks/signature.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting } from '../helpers/server.js';
import type { Received } from '../helpers/webhook-receiver.js';
import { ADMIN, addWebhook, pump, receiver, server, type Cleanups } from './webhook-world.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Headers = Record<string, string>;
const headersOf = (request: Received): Headers => Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));

/** One real delivery (signed now: the library checks the timestamp against the real clock). */
const oneDelivery = async (): Promise<{ secret: string; request: Received }> => {
  const clock = new ManualClock(Date.now());
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  const { secret } = await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/in`, events: ['meeting.created'] });
  await createMeeting(app.url, { title: 'Verified “quotes” and ünïcode' });
  await pump(clock, () => hooks.received.length === 1, 'the delivery');
  return { secret, request: hooks.received[0]! };
};

test('a real delivery verifies with the standardwebhooks library; a tampered body, another secret or an old timestamp does not', async () => {
  const { secret, request } = await oneDelivery();
  const headers = headersOf(request);
  expect(new Webhook(secret).verify(request.body, headers)).toEqual(JSON.parse(request.body));
  expect(() => new Webhook(secret).verify(request.body.replace('Verified', 'Forged'), headers)).toThrow(/signature/i);
  expect(() => new Webhook(newSecret()).verify(request.body, headers)).toThrow(/signature/i);
  const old = signedHeaders(secret, headers['webhook-id']!, Date.now() - 10 * 60_000, request.body);
  expect(() => new Webhook(secret).verify(request.body, old)).toThrow(/too old/i);
});

test("the README's verification example, run as printed, accepts a real delivery and refuses forgeries and replays", async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying a delivery'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
  const dir = await mkdtemp(join(tmpdir(), 'meetpad-readme-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'verify.mjs'), code);
  const { verify } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as { verify: (secret: string, headers: Headers, body: string) => boolean };

  const { secret, request } = await oneDelivery();
  const headers = headersOf(request);
  expect(verify(secret, headers, request.body)).toBe(true);
  expect(verify(secret, headers, request.body.replace('Verified', 'Forged'))).toBe(false);
  expect(verify(newSecret(), headers, request.body)).toBe(false);
  expect(verify(secret, { ...headers, 'webhook-signature': `v1,${Buffer.alloc(8).toString('base64')}` }, request.body)).toBe(false);
  const { 'webhook-timestamp': _missing, ...noTimestamp } = headers;
  expect(verify(secret, noTimestamp, request.body)).toBe(false);
  // Correctly signed, but ten minutes ago: a replay.
  expect(verify(secret, signedHeaders(secret, headers['webhook-id']!, Date.now() - 10 * 60_000, request.body), request.body)).toBe(false);
});
