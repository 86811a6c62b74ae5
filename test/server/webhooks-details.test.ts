/**
 * The webhook rules that are easy to get slightly wrong (GUIDE 1.11, GUIDE 7): chat text escaped
 * as Slack requires, so a title cannot ping a channel or disguise a link; every IPv6 form that
 * tunnels to an IPv4 address refused; retries never more than the cap apart, jitter included; the
 * pending limit counts what is in flight; the key file written whole, and a damaged one refused.
 */
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { Dispatcher } from '../../server/webhooks/dispatcher.js';
import { deliveryWrites, newDelivery } from '../../server/webhooks/outbox.js';
import { Ownership } from '../../server/webhooks/ownership.js';
import { MAX_RETRY_DELAY_MS, retryDelay } from '../../server/webhooks/retry-policy.js';
import { sealSecret } from '../../server/webhooks/secret-box.js';
import { newSecret } from '../../server/webhooks/signature.js';
import { isPrivateAddress } from '../../server/webhooks/target-check.js';
import { MAX_CHAT_MINUTES, chatText } from '../../server/webhooks/webhook-events.js';
import { KEY_FILE, webhookKeyring } from '../../server/webhooks/webhook-key.js';
import { WEBHOOK_COLLECTIONS, webhookKey, type WebhookRecord } from '../../server/webhooks/webhook-records.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor } from '../helpers/server.js';
import { ADMIN, addWebhook, call, pump, receiver, server, type Cleanups } from './webhook-world.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('chat text', () => {
  test("a title or an item cannot ping the channel or disguise a link: Slack's &, < and > are escaped, room-wide mentions defused", async () => {
    const clock = new ManualClock();
    const hooks = await receiver(cleanups);
    const app = await server(cleanups, clock);
    await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/chat`, events: ['meeting.created'], format: 'chat' });
    const meeting = await createMeeting(app.url, { title: '<!channel> Q&A <https://evil.example|Log in> @here' });
    await pump(clock, () => hooks.received.length === 1, 'meeting.created');
    const { text } = JSON.parse(hooks.received[0]!.body) as { text: string };
    expect(text).toContain('&lt;!channel&gt; Q&amp;A &lt;https://evil.example|Log in&gt; @\u2060here');
    expect(text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
    expect(text).toContain(`${app.url}/m/${meeting.id}`);
  });

  test('action items and long minutes are escaped too, and the minutes are cut on the escaped text, never inside an entity', () => {
    const meeting = { id: 'm1', title: 'T', url: 'https://notes.example.org/m/m1' };
    const item = { id: 'i', text: 'Ask <@U123> & @channel', done: false, assignees: ['all'], due: null, section: 'notes', line: 1 } as never;
    expect(chatText('action_item.created', { meeting, series: null, actionItem: item })).toBe(
      'New action item in “T” https://notes.example.org/m/m1: Ask &lt;@U123&gt; &amp; @\u2060channel (@\u2060all)',
    );
    const minutes = `${'x'.repeat(MAX_CHAT_MINUTES - 2)}<<<<`;
    const text = chatText('meeting.ended', { meeting, series: null, minutes });
    const shown = text.slice(text.indexOf('Minutes:\n\n') + 10, text.indexOf('\n\n… (the rest'));
    expect(shown).toBe('x'.repeat(MAX_CHAT_MINUTES - 2));
    expect(text).toContain('… (the rest: https://notes.example.org/m/m1)');
  });
});

describe('targets', () => {
  test('IPv6 forms that reach an IPv4 address are refused: Teredo, IPv4-translated, NAT64 and 6to4 of private addresses, the 6to4 relay', () => {
    const tunnels = [
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      '2001::1',
      '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1
      '::ffff:0:a00:1', // IPv4-translated 10.0.0.1
      '64:ff9b::c0a8:101', // NAT64 of 192.168.1.1
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '2002:c0a8:101::1', // 6to4 of 192.168.1.1
      '2002:7f00:1::1', // 6to4 of 127.0.0.1
      '192.88.99.1', // 6to4 relay anycast
      '2001:2::1', // benchmarking
    ];
    expect(tunnels.filter((address) => !isPrivateAddress(address))).toEqual([]);
    expect(['2001:4860:4860::8888', '2a00:1450:4001:80b::200e', '2606:4700::1111'].filter(isPrivateAddress)).toEqual([]);
  });
});

describe('retries', () => {
  test('two attempts are never more than MAX_RETRY_DELAY_MS apart, jitter included; below the cap the delay doubles within ±25%', () => {
    for (const random of [0, 0.5, 0.999999]) {
      for (let attempts = 1; attempts < 40; attempts++) expect(retryDelay(10_000, attempts, random)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    }
    expect(retryDelay(10_000, 30, 0.999999)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelay(10_000, 3, 0)).toBe(30_000);
    expect(retryDelay(10_000, 3, 0.999999)).toBe(50_000);
  });

  test('the pending count of a webhook includes the delivery in flight (the per-webhook limit counts it)', async () => {
    const clock = new ManualClock();
    const hooks = await receiver(cleanups);
    hooks.answer('hang');
    const store = new MemoryStore();
    cleanups.push(() => store.close());
    const keyring = webhookKeyring({ configured: 'a-webhook-key-for-this-test-0123456789', dataDir: null });
    const ownership = new Ownership(store, clock, false);
    const log = Fastify({ logger: false }).log;
    const dispatcher = new Dispatcher({ retryMs: 1000, giveUpMs: 60_000, timeoutMs: 3000, allowPrivate: true }, { store, clock, log, keyring, ownership });
    cleanups.push(() => dispatcher.stop());
    const id = 'wh_pendingcount01';
    const webhook: WebhookRecord = {
      id,
      scope: { kind: 'server' },
      url: `${hooks.url}/in`,
      events: ['meeting.created'],
      format: 'json',
      secret: sealSecret(await keyring(), id, newSecret()),
      createdAt: new Date(clock.now()).toISOString(),
      origin: null,
      lastSuccessAt: null,
      disabled: null,
    };
    const delivery = newDelivery(webhook, { type: 'meeting.created', at: clock.now(), dataFor: () => ({ webhook: { id } }) }, ownership.instanceId);
    await store.writeRecords([{ collection: WEBHOOK_COLLECTIONS.webhooks, key: webhookKey(webhook.scope, id), value: webhook }, ...deliveryWrites([delivery])]);
    dispatcher.added([delivery]);
    expect(dispatcher.pendingOf(id)).toBe(1);
    await pump(clock, () => hooks.received.length === 1, 'the attempt in flight');
    expect(dispatcher.pendingOf(id)).toBe(1);
    hooks.release(204);
    await waitFor(() => dispatcher.pendingOf(id) === 0, 'the delivery finished');
  });
});

describe('the key file', () => {
  test('is written whole, once, readable only by its owner; a damaged (empty or short) one is refused with a clear error, not replaced', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await webhookKeyring({ configured: '', dataDir })();
    expect(first).toHaveLength(32);
    expect((await stat(join(dataDir, KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual([KEY_FILE]); // no temporary file left
    expect(await webhookKeyring({ configured: '', dataDir })()).toEqual(first);

    for (const damaged of ['', '\n', 'short-key\n']) {
      await writeFile(join(dataDir, KEY_FILE), damaged);
      await expect(webhookKeyring({ configured: '', dataDir })()).rejects.toThrow(/webhook-secrets\.key holds \d+ characters, not a key/);
    }

    // Through the API: a server whose key file is damaged refuses to add webhooks, and says why in its log.
    const other = await tempDir();
    cleanups.push(() => rm(other, { recursive: true, force: true }));
    await writeFile(join(other, KEY_FILE), '');
    const lines: string[] = [];
    const app = await startTestServer({ dataDir: other, config: { adminToken: ADMIN, webhookAllowPrivate: true, logLevel: 'error' }, deps: { logStream: { write: (line) => void lines.push(line) } } });
    cleanups.push(() => app.close());
    const { status } = await call(app, 'POST', '/api/admin/webhooks', ADMIN, { url: 'http://127.0.0.1:9/x', events: ['ping'] });
    expect(status).toBe(500);
    expect(lines.join('')).toContain('webhook-secrets.key holds 0 characters, not a key');
    expect((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json).toEqual({ webhooks: [] });
  });
});
