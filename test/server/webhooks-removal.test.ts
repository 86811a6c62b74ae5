/**
 * Removing webhooks leaves nothing behind and nothing comes back (GUIDE 1.11): a webhook deleted,
 * or deleted with its meeting or its series, while one of its deliveries is in flight stays
 * deleted; a deleted meeting's or series' webhooks go with it, delivery logs included (the
 * meeting.deleted they asked for is still sent, then removed); a meeting deleted twice at once is
 * deleted, and announced, once.
 */
import { afterEach, expect, test } from 'vitest';
import type { CreatedSeries } from '../../shared/api-types.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, waitFor } from '../helpers/server.js';
import { ADMIN, RETRY_MS, addWebhook, append, call, durable, idle, join, pump, quietPeriod, receiver, server, webhookRecords, type Cleanups } from './webhook-world.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test('a webhook deleted while a delivery to it is in flight stays deleted: the attempt is cut short and writes nothing back', async () => {
  const clock = new ManualClock();
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  const webhook = await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/in`, events: ['meeting.created'] });
  hooks.answer('hang');
  await createMeeting(app.url, { title: 'One' });
  await pump(clock, () => hooks.received.length === 1, 'the attempt in flight');

  expect((await call(app, 'DELETE', `/api/admin/webhooks/${webhook.id}`, ADMIN)).status).toBe(204);
  // The receiver answers only now: the sender must not write its stale copy of the webhook back.
  hooks.answer({ status: 204 });
  hooks.release();
  await idle(clock);
  expect((await call(app, 'GET', '/api/admin/webhooks', ADMIN)).json.webhooks).toEqual([]);
  expect(await webhookRecords(app)).toEqual([]);
  expect(hooks.abandoned()).toBe(1);

  await createMeeting(app.url, { title: 'Two' });
  await clock.advance(RETRY_MS * 10);
  await idle(clock);
  expect(hooks.received).toHaveLength(1);
});

test("a meeting deleted while a delivery to one of its own webhooks is in flight leaves none of that webhook's records", async () => {
  const clock = new ManualClock();
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  const meeting = await createMeeting(app.url, { title: 'Short-lived' });
  const webhook = await addWebhook(app, `/api/meetings/${meeting.id}`, meeting.editKey, { url: `${hooks.url}/own`, events: ['meeting.updated'] });
  const anna = await join(cleanups, app, meeting);
  append(anna, 'A line.\n');
  await durable(app, meeting, 'A line.');
  anna.destroy();
  hooks.answer('hang');
  await quietPeriod(clock);
  await pump(clock, () => hooks.received.length === 1, 'meeting.updated in flight');

  expect((await call(app, 'DELETE', `/api/meetings/${meeting.id}`, meeting.editKey)).status).toBe(204);
  hooks.answer({ status: 204 });
  hooks.release();
  await idle(clock);
  expect(await webhookRecords(app)).toEqual([]);
  expect((await call(app, 'GET', `/api/meetings/${meeting.id}/webhooks`, meeting.editKey)).status).toBe(410);
  expect(webhook.id).toMatch(/^wh_/);
});

test("deleting a meeting removes its own webhooks' delivery logs; the meeting.deleted they asked for is sent, then removed too", async () => {
  const clock = new ManualClock();
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  const meeting = await createMeeting(app.url, { title: 'Secret plans' });
  const scope = `/api/meetings/${meeting.id}`;
  const told = await addWebhook(app, scope, meeting.editKey, { url: `${hooks.url}/told`, events: ['meeting.deleted'] });
  const quiet = await addWebhook(app, scope, meeting.editKey, { url: `${hooks.url}/quiet`, events: ['meeting.updated'] });
  for (const { id } of [told, quiet]) expect((await call(app, 'POST', `${scope}/webhooks/${id}/ping`, meeting.editKey)).json.delivery.status).toBe('delivered');
  expect((await webhookRecords(app)).filter((line) => line.startsWith('webhook-outbox'))).toHaveLength(2);

  hooks.answer({ status: 503 });
  expect((await call(app, 'DELETE', scope, meeting.editKey)).status).toBe(204);
  // In the deletion's batch: the webhooks, their logs; only the pending meeting.deleted is left.
  const left = await webhookRecords(app);
  expect(left).toHaveLength(1);
  expect(left[0]).toMatch(new RegExp(`^webhook-outbox ~p!${told.id}!`));

  await pump(clock, () => hooks.received.length === 3, 'the first attempt of meeting.deleted');
  const pending = app.app.meetpad.store.collection<{ attempts: number }>('webhook-outbox');
  await waitFor(async () => (await pending.list(`~p!${told.id}!`))[0]?.value.attempts === 1, 'the failed attempt recorded');
  hooks.answer({ status: 204 });
  await clock.advance(RETRY_MS * 2);
  await pump(clock, () => hooks.received.length === 4, 'meeting.deleted after a retry');
  expect(hooks.events('/told').at(-1)).toMatchObject({ type: 'meeting.deleted', data: { meeting: { id: meeting.id, title: 'Secret plans' } } });
  await waitFor(async () => (await webhookRecords(app)).length === 0, 'nothing of the meeting left');
  expect(hooks.received.filter((request) => request.path === '/quiet')).toHaveLength(1); // its ping only
});

test("deleting a series removes its webhooks and their deliveries; they still hear that the series' meetings were deleted", async () => {
  const clock = new ManualClock();
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  const series = (await call(app, 'POST', '/api/series', '', { title: 'Standup' })).json as CreatedSeries;
  const scope = `/api/series/${series.id}`;
  const webhook = await addWebhook(app, scope, series.editKey, { url: `${hooks.url}/series`, events: ['meeting.created', 'meeting.deleted'] });
  const first = (await call(app, 'POST', `${scope}/meetings`, series.editKey, { date: '2026-01-06' })).json as { id: string };
  await pump(clock, () => hooks.received.length === 1, 'meeting.created');

  expect((await call(app, 'DELETE', scope, series.editKey)).status).toBe(204);
  await pump(clock, () => hooks.received.length === 2, 'meeting.deleted of its meeting');
  expect(hooks.events('/series')[1]).toMatchObject({ type: 'meeting.deleted', data: { meeting: { id: first.id }, series: { id: series.id } } });
  await waitFor(async () => (await webhookRecords(app)).length === 0, 'nothing of the series left');
  expect((await call(app, 'GET', `${scope}/webhooks`, series.editKey)).status).toBe(410);
  expect((await call(app, 'POST', `/api/admin/webhooks/${webhook.id}/ping`, ADMIN)).status).toBe(404);
});

test('two DELETEs of one meeting at once: one deletes it (204), the other is told it is gone (410), and meeting.deleted is sent once', async () => {
  const clock = new ManualClock();
  const hooks = await receiver(cleanups);
  const app = await server(cleanups, clock);
  await addWebhook(app, '/api/admin', ADMIN, { url: `${hooks.url}/all`, events: ['meeting.deleted'] });
  const meeting = await createMeeting(app.url, { title: 'Twice' });
  const answers = await Promise.all([1, 2].map(() => call(app, 'DELETE', `/api/meetings/${meeting.id}`, meeting.editKey)));
  expect(answers.map(({ status, json }) => [status, json?.error ?? null]).sort()).toEqual([
    [204, null],
    [410, 'meeting_deleted'],
  ]);
  await pump(clock, () => hooks.received.length === 1, 'meeting.deleted');
  // Delivered (its answer processed) before the clock moves past the attempt's timeout.
  await waitFor(async () => (await webhookRecords(app)).some((line) => line.startsWith('webhook-outbox ~wh_')), 'the delivery logged');
  await clock.advance(RETRY_MS * 10);
  await idle(clock);
  expect(hooks.events().map((event) => event.type)).toEqual(['meeting.deleted']);
});
