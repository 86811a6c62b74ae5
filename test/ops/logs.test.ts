/**
 * Logs are JSON lines an admin can ship anywhere, and they never contain a key: not from `?key=`
 * URLs (HTTP or WebSocket), not from Authorization headers, not from errors, at any log level.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { joinMeeting, upgradeStatus } from '../helpers/clients.js';
import { waitFor } from '../helpers/server.js';
import { notesOf } from '../../shared/doc-schema.js';
import { startLoggedServer, type LoggedServer } from './ops-helpers.js';
import { statusOf } from '../helpers/responses.js';

const ADMIN_TOKEN = 'admin-token-that-must-not-be-logged';
const CREATE_TOKEN = 'create-token-that-must-not-be-logged';
const METRICS_TOKEN = 'metrics-token-that-must-not-be-logged';

let server: LoggedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('logs', () => {
  it('a session that passes keys in URLs and headers leaves no key in the log', async () => {
    server = await startLoggedServer({ logLevel: 'trace', adminToken: ADMIN_TOKEN, createToken: CREATE_TOKEN, metricsToken: METRICS_TOKEN });
    const { url, wsUrl } = server;
    const created = await fetch(`${url}/api/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CREATE_TOKEN}` },
      body: JSON.stringify({ title: 'Secret keys meeting' }),
    });
    expect(created.status).toBe(201);
    const meeting = (await created.json()) as { id: string; editKey: string; viewKey: string };
    const secrets = [meeting.editKey, meeting.viewKey, ADMIN_TOKEN, CREATE_TOKEN, METRICS_TOKEN];

    expect(await statusOf(fetch(`${url}/api/meetings/${meeting.id}?key=${meeting.editKey}`))).toBe(200);
    expect(await statusOf(fetch(`${url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`))).toBe(200);
    expect(await statusOf(fetch(`${url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.viewKey}` } }))).toBe(200);
    expect(await statusOf(fetch(`${url}/api/meetings/${meeting.id}?key=${meeting.viewKey}x`))).toBe(401);
    expect(await statusOf(fetch(`${url}/no/such/page?key=${meeting.editKey}&token=${ADMIN_TOKEN}`))).toBe(404);
    expect(await statusOf(fetch(`${url}/api/meetings`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).toBe(200);
    expect(await statusOf(fetch(`${url}/api/admin/backup`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))).toBe(200);
    expect(await statusOf(fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }))).toBe(200);
    expect(await upgradeStatus(wsUrl, `/collab/${meeting.id}?key=${meeting.editKey}x`)).toBe(401);

    const editor = await joinMeeting(wsUrl, meeting.id, meeting.editKey);
    const viewer = await joinMeeting(wsUrl, meeting.id, meeting.viewKey);
    notesOf(editor.doc).insert(0, 'hello\n');
    await waitFor(() => notesOf(viewer.doc).toString().startsWith('hello'), 'the viewer to see the edit');
    notesOf(viewer.doc).insert(0, 'a view key may not write\n');
    await waitFor(() => server!.logs.some((line) => line.includes('refused')), 'the view-key write to be refused and logged');
    editor.destroy();
    viewer.destroy();
    expect(await statusOf(fetch(`${url}/api/meetings/${meeting.id}?key=${meeting.editKey}`, { method: 'DELETE' }))).toBe(204);
    await server.close();
    const logs = server.logs;
    server = undefined;

    expect(logs.length).toBeGreaterThan(10);
    for (const line of logs) expect(() => JSON.parse(line), line).not.toThrow();
    const everything = logs.join('');
    expect(everything).toContain('[redacted]'); // the URLs were logged, without their keys
    expect(everything).toContain(meeting.id);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
