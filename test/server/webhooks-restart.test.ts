/**
 * Webhook deliveries survive the server: killed (`kill -9`) between a failed attempt and the
 * receiver's recovery, the delivery still arrives after the restart; killed right after an edit
 * was saved, before any debounce could fire, `meeting.updated` is still sent after the restart.
 */
import { rm } from 'node:fs/promises';
import { afterEach, expect, test } from 'vitest';
import type { CreatedWebhook } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { joinMeeting } from '../helpers/clients.js';
import { createMeeting, tempDir, waitFor } from '../helpers/server.js';
import { startReceiver, verifyWebhook, type Receiver } from '../helpers/webhook-receiver.js';

const ADMIN = 'admin-token-for-webhook-restarts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const spawn = async (dataDir: string, env: Record<string, string>): Promise<ChildServer> => {
  const child = await spawnServer(dataDir, { MEETPAD_ADMIN_TOKEN: ADMIN, MEETPAD_WEBHOOK_ALLOW_PRIVATE: 'true', ...env });
  cleanup.push(() => void child.process.kill('SIGKILL'));
  return child;
};

const kill9 = async (child: ChildServer): Promise<void> => {
  child.process.kill('SIGKILL');
  expect(await child.exited).toBe('SIGKILL');
};

const setUp = async (): Promise<{ dataDir: string; hooks: Receiver }> => {
  const dataDir = await tempDir();
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const hooks = await startReceiver();
  cleanup.push(() => hooks.close());
  return { dataDir, hooks };
};

const addWebhook = async (server: ChildServer, url: string, events: string[]): Promise<CreatedWebhook> => {
  const response = await fetch(`${server.url}/api/admin/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedWebhook;
};

test('a delivery that failed before a kill -9 arrives after the restart, once the receiver is back, with the same webhook-id', async () => {
  const { dataDir, hooks } = await setUp();
  hooks.answer({ status: 503 });
  const first = await spawn(dataDir, { MEETPAD_WEBHOOK_RETRY_MS: '1500' });
  const webhook = await addWebhook(first, `${hooks.url}/in`, ['meeting.created']);
  const meeting = await createMeeting(first.url, { title: 'Survives' });
  await waitFor(() => hooks.received.length === 1, 'the failed first attempt');
  await kill9(first);

  hooks.answer({ status: 204 });
  await spawn(dataDir, { MEETPAD_WEBHOOK_RETRY_MS: '1500' });
  await waitFor(() => hooks.received.length === 2, 'the delivery after the restart');
  const [failed, delivered] = hooks.received;
  expect(delivered!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
  expect(delivered!.body).toBe(failed!.body);
  expect(JSON.parse(delivered!.body)).toMatchObject({ type: 'meeting.created', data: { meeting: { id: meeting.id, title: 'Survives' } } });
  expect(verifyWebhook(webhook.secret, delivered!.headers, delivered!.body)).toBe(true);
});

test('kill -9 right after an edit is saved: meeting.updated is still delivered after the restart, once', async () => {
  const { dataDir, hooks } = await setUp();
  // A debounce far longer than the test: only what was on disk at the kill can announce the edit.
  const first = await spawn(dataDir, { MEETPAD_WEBHOOK_DEBOUNCE_MS: '3600000' });
  const webhook = await addWebhook(first, `${hooks.url}/in`, ['meeting.updated']);
  const meeting = await createMeeting(first.url, { title: 'Crashy' });
  const typist = await joinMeeting(first.wsUrl, meeting.id, meeting.editKey);
  cleanup.push(() => typist.destroy());
  notesOf(typist.doc).insert(notesOf(typist.doc).length, 'Decided: ship on Friday.\n');
  // The export shows only what is on disk: once it has the edit, the edit is durable.
  await waitFor(async () => (await (await fetch(`${first.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`)).text()).includes('ship on Friday'), 'the edit on disk');
  await kill9(first);
  typist.provider.disconnect();
  expect(hooks.received).toHaveLength(0);

  await spawn(dataDir, { MEETPAD_WEBHOOK_DEBOUNCE_MS: '200' });
  await waitFor(() => hooks.received.length === 1, 'meeting.updated after the restart');
  const [updated] = hooks.received;
  expect(JSON.parse(updated!.body)).toMatchObject({ type: 'meeting.updated', data: { meeting: { id: meeting.id, title: 'Crashy' } } });
  expect(verifyWebhook(webhook.secret, updated!.headers, updated!.body)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(hooks.received).toHaveLength(1);
});
