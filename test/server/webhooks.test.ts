/**
 * Webhooks through a real server and a real HTTP receiver (GUIDE 1.11): every event arrives once
 * per idempotency id, signed; retries with backoff (on a ManualClock); the chat format; scopes and
 * keys; what deleting a meeting sends and removes; a webhook that fails for days is disabled.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { CreatedMeeting, WebhookList } from '../../shared/api-types.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { parseMeeting } from '../../shared/meeting-parser.js';
import { endMeeting, runOf, startTopic } from '../../shared/meeting-run.js';
import type { Config } from '../../server/config.js';
import { sendOnce } from '../../server/webhooks/http-sender.js';
import { isPrivateAddress } from '../../server/webhooks/target-check.js';
import type { Attendee } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { verifyWebhook, type Receiver } from '../helpers/webhook-receiver.js';
import * as world from './webhook-world.js';
import { ADMIN, DEBOUNCE_MS, RETRY_MS, TIMEOUT_MS, addWebhook, append, call, durable, pump, quietPeriod, type Cleanups } from './webhook-world.js';

const ALL_EVENTS = ['meeting.created', 'meeting.updated', 'meeting.deleted', 'action_item.created', 'action_item.done', 'meeting.ended'];

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const receiver = (): Promise<Receiver> => world.receiver(cleanups);
const server = (clock: ManualClock, config: Partial<Config> = {}): Promise<TestServer> => world.server(cleanups, clock, config);
const join = (target: TestServer, meeting: CreatedMeeting): Promise<Attendee> => world.join(cleanups, target, meeting);

describe('deliveries', () => {
  test('a server-wide webhook receives each event once per idempotency id, signed; a tampered body or an old timestamp fails verification', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock);
    const webhook = await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/all`, events: ALL_EVENTS });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const seen = (type: string) => hooks.events().filter((event) => event.type === type);

    const meeting = await createMeeting(app.url, { title: 'Weekly sync', markdown: '# Weekly sync\n\n## Agenda\n\n1. Budget\n\n# Notes\n\n' });
    await pump(clock, () => seen('meeting.created').length === 1, 'meeting.created');
    expect(seen('meeting.created')[0]!.data).toEqual({ meeting: { id: meeting.id, title: 'Weekly sync', url: `${app.url}/m/${meeting.id}` }, series: null });

    const anna = await join(app, meeting);
    append(anna, '- [ ] Write the changelog @anna due 2026-01-09\n');
    await durable(app, meeting, 'Write the changelog');
    await quietPeriod(clock);
    await pump(clock, () => seen('action_item.created').length === 1 && seen('meeting.updated').length === 1, 'the first edit announced');
    expect(seen('action_item.created')[0]!.data.actionItem).toMatchObject({ text: 'Write the changelog @anna due 2026-01-09', done: false, assignees: ['anna'], due: '2026-01-09' });

    const notes = notesOf(anna.doc);
    const box = notes.toString().indexOf('[ ] Write');
    anna.doc.transact(() => {
      notes.delete(box + 1, 1);
      notes.insert(box + 1, 'x');
    });
    await durable(app, meeting, '[x] Write');
    await quietPeriod(clock);
    await pump(clock, () => seen('action_item.done').length === 1 && seen('meeting.updated').length === 2, 'the tick announced');

    const [topic] = parseMeeting({ agenda: agendaOf(anna.doc).toString(), notes: notes.toString() }).topics;
    startTopic(anna.doc, { id: topic!.id, title: topic!.text }, clock.now());
    endMeeting(anna.doc, clock.now());
    const room = app.app.meetpad.registry.loadedRoom(meeting.id)!;
    await waitFor(() => runOf(room.doc).status === 'ended', 'the end to reach the server');
    await room.quiet();
    await quietPeriod(clock);
    await pump(clock, () => seen('meeting.ended').length === 1 && seen('meeting.updated').length === 3, 'the end announced');
    expect(seen('meeting.ended')[0]!.data.minutes).toContain('Write the changelog');
    expect(seen('meeting.ended')[0]!.data.minutes).toContain(`${app.url}/m/${meeting.id}`);

    anna.destroy();
    await clock.advance(1000);
    expect((await call(app, 'DELETE', `/api/meetings/${meeting.id}`, meeting.editKey)).status).toBe(204);
    await pump(clock, () => seen('meeting.deleted').length === 1, 'meeting.deleted');

    // Quiet now: nothing more comes, however long we wait.
    await clock.advance(DEBOUNCE_MS * 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ids = hooks.received.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(hooks.events().map((event) => event.type).sort()).toEqual(
      ['meeting.created', 'meeting.updated', 'meeting.updated', 'meeting.updated', 'action_item.created', 'action_item.done', 'meeting.ended', 'meeting.deleted'].sort(),
    );
    for (const request of hooks.received) {
      expect(request.headers['user-agent']).toBe('meetpad-webhooks');
      expect(request.headers['content-type']).toBe('application/json');
      expect(verifyWebhook(webhook.secret, request.headers, request.body, clock.now())).toBe(true);
    }
    const sample = hooks.received[0]!;
    expect(verifyWebhook(webhook.secret, sample.headers, sample.body.replace('Weekly', 'Weakly'), clock.now())).toBe(false);
    expect(verifyWebhook(webhook.secret, { ...sample.headers, 'webhook-timestamp': String(Number(sample.headers['webhook-timestamp']) - 3600) }, sample.body, clock.now())).toBe(false);
    expect(verifyWebhook(webhook.secret, sample.headers, sample.body, clock.now() + 3600_000)).toBe(false);
    expect(verifyWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, sample.headers, sample.body, clock.now())).toBe(false);

    const { json } = await call(app, 'GET', '/api/admin/webhooks', ADMIN);
    const listed = (json as WebhookList).webhooks[0]!;
    expect(JSON.stringify(json)).not.toContain(webhook.secret.slice(6));
    expect(listed.deliveries).toHaveLength(8);
    expect(listed.deliveries.every((delivery) => delivery.status === 'delivered' && delivery.attempts === 1)).toBe(true);
    expect(listed.deliveries[0]!.event).toBe('meeting.deleted');
  });

  test('a receiver that is down, then up, gets the event after a retry, with the same webhook-id', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock);
    await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/in`, events: ['meeting.created'] });
    hooks.answer({ status: 503 });
    await createMeeting(app.url, { title: 'Retry me' });
    await pump(clock, () => hooks.received.length === 1, 'the first attempt');
    const log = async () => ((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json as WebhookList).webhooks[0]!.deliveries[0]!;
    await waitFor(async () => (await log()).attempts === 1, 'the failure logged');
    expect(await log()).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503, lastError: 'the receiver answered 503' });
    expect(Date.parse((await log()).nextAttemptAt!) - clock.now()).toBeGreaterThanOrEqual(RETRY_MS * 0.75);

    hooks.answer({ status: 200 });
    await clock.advance(RETRY_MS / 2);
    expect(hooks.received).toHaveLength(1); // not before its time
    await clock.advance(RETRY_MS);
    await pump(clock, () => hooks.received.length === 2, 'the retry');
    expect(hooks.received[1]!.headers['webhook-id']).toBe(hooks.received[0]!.headers['webhook-id']);
    expect(hooks.received[1]!.body).toBe(hooks.received[0]!.body);
    await waitFor(async () => (await log()).status === 'delivered', 'delivered');
    expect(await log()).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null, nextAttemptAt: null });
  });

  test('retries double with jitter; a webhook failing for the give-up time is disabled with a reason, and a good ping enables it again', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const giveUpMs = 60_000;
    const app = await server(clock, { webhookGiveUpMs: giveUpMs });
    await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/in`, events: ['meeting.created'] });
    hooks.answer({ status: 500 });
    await createMeeting(app.url, { title: 'Doomed' });
    const list = async () => ((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json as WebhookList).webhooks[0]!;
    const attempts: number[] = [];
    for (let i = 1; ; i++) {
      await pump(clock, () => hooks.received.length === i, `attempt ${i}`);
      attempts.push(clock.now());
      const settled = (await waitFor(async () => {
        const delivery = (await list()).deliveries[0]!;
        return delivery.attempts === i ? delivery : null;
      }, `attempt ${i} logged`))!;
      if (settled.status === 'failed') break;
      await clock.advance(Date.parse(settled.nextAttemptAt!) - clock.now());
    }
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(RETRY_MS * 2 ** i * 0.75);
      expect(gap).toBeLessThanOrEqual(RETRY_MS * 2 ** i * 1.25 + 1);
    });
    const failed = await list();
    expect(failed.deliveries[0]!.lastError).toMatch(/^gave up after \d+ attempts: the receiver answered 500$/);
    expect(failed.disabled).toMatchObject({ reason: expect.stringContaining('the receiver answered 500') });

    // Disabled: new events are not queued for it.
    await createMeeting(app.url, { title: 'Not sent' });
    await clock.advance(RETRY_MS * 10);
    expect((await list()).deliveries).toHaveLength(1);

    hooks.answer({ status: 204 });
    const { status, json } = await call(app, 'POST', `/api/admin/webhooks/${failed.id}/ping`, ADMIN);
    expect(status).toBe(200);
    expect(json.delivery).toMatchObject({ event: 'ping', status: 'delivered', attempts: 1, lastStatus: 204 });
    expect(hooks.events().at(-1)).toMatchObject({ type: 'ping', data: { webhook: { id: failed.id } } });
    expect((await list()).disabled).toBeNull();
  });

  test('a redirect is not followed and a receiver that never answers times out; both are retried', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock);
    const redirected = await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/moved`, events: ['meeting.created'] });
    hooks.answer({ status: 302, location: `${hooks.url}/elsewhere` });
    await createMeeting(app.url, { title: 'Redirected' });
    await pump(clock, () => hooks.received.length === 1, 'the attempt');
    const logOf = async (id: string) => ((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json as WebhookList).webhooks.find((w) => w.id === id)!.deliveries[0]!;
    await waitFor(async () => (await logOf(redirected.id)).attempts === 1, 'logged');
    expect(await logOf(redirected.id)).toMatchObject({ status: 'pending', lastStatus: 302, lastError: `redirect to ${hooks.url}/elsewhere not followed` });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hooks.received.map((request) => request.path)).toEqual(['/moved']);
    expect((await call(app, 'DELETE', `/api/admin/webhooks/${redirected.id}`, ADMIN)).status).toBe(204);

    const slow = await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/slow`, events: ['meeting.created'] });
    hooks.answer('hang');
    await createMeeting(app.url, { title: 'Slow' });
    await pump(clock, () => hooks.received.length === 2, 'the hanging attempt');
    await clock.advance(TIMEOUT_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await logOf(slow.id)).attempts).toBe(0);
    await clock.advance(1);
    await waitFor(async () => (await logOf(slow.id)).attempts === 1, 'the timeout logged');
    expect(await logOf(slow.id)).toMatchObject({ status: 'pending', lastStatus: null, lastError: `no answer within ${TIMEOUT_MS} ms` });
    expect(Date.parse((await logOf(slow.id)).nextAttemptAt!)).toBeGreaterThan(clock.now());
  });
});

describe('scopes, formats and keys', () => {
  test('a meeting webhook in chat format posts text with the meeting link; view keys are refused; deleting the meeting tells its own and the server-wide webhook, and removes its webhooks', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock);
    const meeting = await createMeeting(app.url, { title: 'Team *chat*' });
    const scope = `/api/meetings/${meeting.id}`;

    for (const [method, path] of [['GET', '/webhooks'], ['POST', '/webhooks'], ['DELETE', '/webhooks/wh_abcdefghijkl'], ['POST', '/webhooks/wh_abcdefghijkl/ping']] as const) {
      const { status, json } = await call(app, method, `${scope}${path}`, meeting.viewKey, method === 'POST' && path === '/webhooks' ? { url: hooks.url, events: ['ping'] } : undefined);
      expect([status, json.error]).toEqual([403, 'edit_key_required']);
    }
    expect((await call(app, 'GET', `${scope}/webhooks`, 'not-a-key')).status).toBe(401);

    const chat = await addWebhook(app, scope, meeting.editKey, { url: `${hooks.url}/chat`, events: ['meeting.updated', 'meeting.deleted'], format: 'chat' });
    expect(chat.format).toBe('chat');
    await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/server`, events: ['meeting.deleted'] });

    const ping = await call(app, 'POST', `${scope}/webhooks/${chat.id}/ping`, meeting.editKey);
    expect(ping.json.delivery.status).toBe('delivered');
    expect(JSON.parse(hooks.received[0]!.body)).toEqual({ text: expect.stringContaining('ping') });

    const anna = await join(app, meeting);
    append(anna, 'We agreed on the budget.\n');
    await durable(app, meeting, 'We agreed');
    await quietPeriod(clock);
    await pump(clock, () => hooks.received.length === 2, 'meeting.updated');
    const updated = hooks.received[1]!;
    expect(Object.keys(JSON.parse(updated.body))).toEqual(['text']);
    expect(JSON.parse(updated.body).text).toContain(`${app.url}/m/${meeting.id}`);
    expect(JSON.parse(updated.body).text).not.toContain(meeting.editKey);
    expect(verifyWebhook(chat.secret, updated.headers, updated.body, clock.now())).toBe(true);
    anna.destroy();

    expect((await call(app, 'DELETE', `/api/meetings/${meeting.id}`, meeting.editKey)).status).toBe(204);
    await pump(clock, () => hooks.received.length === 4, 'meeting.deleted twice');
    expect(JSON.parse(hooks.received.find((r) => r.path === '/chat' && r.body.includes('deleted'))!.body).text).toContain(`${app.url}/m/${meeting.id}`);
    expect(hooks.events('/server')).toEqual([expect.objectContaining({ type: 'meeting.deleted', data: { meeting: { id: meeting.id, title: 'Team *chat*', url: `${app.url}/m/${meeting.id}` }, series: null } })]);
    expect(await app.app.meetpad.store.collection('webhooks').list(`${meeting.id}!`)).toEqual([]);
    expect((await call(app, 'GET', `${scope}/webhooks`, meeting.editKey)).status).toBe(410);
  });

  test('a series webhook hears about the meetings of its series; unknown ids are 404; a removed webhook gets nothing more', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock);
    const series = (await call(app, 'POST', '/api/series', '', { title: 'Standup' })).json as { id: string; editKey: string; viewKey: string };
    const scope = `/api/series/${series.id}`;
    expect((await call(app, 'GET', `${scope}/webhooks`, series.viewKey)).status).toBe(403);
    const webhook = await addWebhook(app, scope, series.editKey, { url: `${hooks.url}/series`, events: ['meeting.created', 'meeting.deleted'] });
    const listed = (await call(app, 'GET', `${scope}/webhooks`, series.editKey)).json as WebhookList;
    expect(listed.webhooks.map((w) => [w.id, w.url, w.format, w.disabled])).toEqual([[webhook.id, `${hooks.url}/series`, 'json', null]]);

    const first = (await call(app, 'POST', `${scope}/meetings`, series.editKey, { date: '2026-01-06' })).json as { id: string };
    await pump(clock, () => hooks.received.length === 1, 'meeting.created');
    expect(hooks.events()[0]!.data).toMatchObject({ meeting: { id: first.id }, series: { id: series.id, title: 'Standup' } });
    await createMeeting(app.url, { title: 'Not in the series' });

    expect((await call(app, 'DELETE', `${scope}/webhooks/wh_unknown12345`, series.editKey)).json.error).toBe('webhook_not_found');
    expect((await call(app, 'POST', `/api/admin/webhooks/${webhook.id}/ping`, ADMIN)).status).toBe(404);
    expect((await call(app, 'DELETE', `${scope}/webhooks/${webhook.id}`, series.editKey)).status).toBe(204);
    await call(app, 'POST', `${scope}/meetings`, series.editKey, { date: '2026-01-13' });
    await clock.advance(RETRY_MS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hooks.received).toHaveLength(1);
  });

  test('bad bodies are refused with coded errors, and a scope holds at most 20 webhooks', async () => {
    const clock = new ManualClock();
    const app = await server(clock);
    const post = (body: unknown) => call(app, 'POST', '/api/admin/webhooks', ADMIN, body);
    expect((await post({ url: 'ftp://example.org/x', events: ['ping'] })).json.error).toBe('bad_webhook_url');
    expect((await post({ url: 'not a url', events: ['ping'] })).json.error).toBe('bad_webhook_url');
    expect((await post({ url: 'http://user:pw@127.0.0.1/', events: ['ping'] })).json.error).toBe('bad_webhook_url');
    expect((await post({ url: 'http://127.0.0.1/', events: ['meeting.renamed'] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/', events: [] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/', events: ['ping', 'ping'] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/', events: ['ping'], format: 'xml' })).status).toBe(400);
    expect((await post({ url: `http://127.0.0.1/${'a'.repeat(2048)}`, events: ['ping'] })).status).toBe(400);
    for (let i = 0; i < 20; i++) expect((await post({ url: `http://127.0.0.1/${i}`, events: ['ping'] })).status).toBe(201);
    expect((await post({ url: 'http://127.0.0.1/21', events: ['ping'] })).json.error).toBe('too_many_webhooks');
    expect((await call(app, 'GET', '/api/admin/webhooks', 'wrong-token')).status).toBe(401);
  });
});

describe('safety', () => {
  test('the address rule: internal ranges and IPv4 embedded in IPv6 are private, public addresses are not', () => {
    const internal = ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '64:ff9b::a00:1', 'not-an-address'];
    const external = ['93.184.215.14', '8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'];
    expect(internal.filter((address) => !isPrivateAddress(address))).toEqual([]);
    expect(external.filter((address) => isPrivateAddress(address))).toEqual([]);
  });

  test('private targets are refused by default at creation (400), also through a name, and at connect time when a name resolves to one', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock, { webhookAllowPrivate: false });
    for (const url of [`${hooks.url}/x`, `http://localhost:${hooks.port}/x`, `http://[::1]:${hooks.port}/`, 'http://[::ffff:127.0.0.1]/', 'http://10.1.2.3/', 'http://169.254.169.254/latest', 'http://100.64.0.1/', 'http://[fd00::1]/', 'http://0.0.0.0/']) {
      const { status, json } = await call(app, 'POST', '/api/admin/webhooks', ADMIN, { url, events: ['meeting.created'] });
      expect([url, status, json.error]).toEqual([url, 400, 'private_webhook_target']);
    }
    expect((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json).toEqual({ webhooks: [] });

    // The connect-time check: `localhost` resolves to a loopback address when the socket dials it.
    const attempt = (allowPrivate: boolean) => sendOnce(`http://localhost:${hooks.port}/dialled`, { 'content-type': 'application/json' }, '{}', { allowPrivate, timeoutMs: TIMEOUT_MS, clock });
    const refused = await attempt(false);
    expect(refused).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^localhost resolves to (127\.0\.0\.1|::1), a private address/) });
    expect(hooks.received).toHaveLength(0);
    expect(await attempt(true)).toEqual({ ok: true, status: 204, error: null });
    expect(hooks.received.map((request) => request.path)).toEqual(['/dialled']);
  });

  test('with MEETPAD_WEBHOOK_ALLOW_PRIVATE a 127.0.0.1 target is accepted and delivered to', async () => {
    const clock = new ManualClock();
    const hooks = await receiver();
    const app = await server(clock, { webhookAllowPrivate: true });
    await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/ok`, events: ['meeting.created'] });
    await createMeeting(app.url, { title: 'Local' });
    await pump(clock, () => hooks.received.length === 1, 'the delivery');
  });
});
