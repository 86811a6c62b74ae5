import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { notesOf } from '../../shared/doc-schema.js';
import { joinMeeting } from '../helpers/clients.js';
import { type TestApp, buildTestApp, createMeeting as createThroughInject } from '../helpers/inject-app.js';
import { type TestServer, createMeeting, startTestServer, waitFor } from '../helpers/server.js';

const ADMIN = 'admin-secret';

type Method = 'GET' | 'POST' | 'DELETE';
type Answer = { status: number; body: Record<string, unknown> | null };
type Call = (method: Method, path: string, key?: string, body?: unknown) => Promise<Answer>;

const headersFor = (key?: string, body?: unknown): Record<string, string> => ({
  ...(key ? { authorization: `Bearer ${key}` } : {}),
  ...(body ? { 'content-type': 'application/json' } : {}),
});

const parsed = (status: number, text: string): Answer => ({ status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null });

/** Requests through `app.inject()`: no socket. */
const injectCall =
  (target: () => TestApp): Call =>
  async (method, path, key, body) => {
    const response = await target().app.inject({ method, url: path, headers: headersFor(key, body), ...(body ? { payload: JSON.stringify(body) } : {}) });
    return parsed(response.statusCode, response.body);
  };

/** Requests over a real socket to a listening server. */
const fetchCall =
  (target: () => TestServer): Call =>
  async (method, path, key, body) => {
    const response = await fetch(`${target().url}${path}`, { method, headers: headersFor(key, body), ...(body ? { body: JSON.stringify(body) } : {}) });
    return parsed(response.status, await response.text());
  };

describe('meetings API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await buildTestApp({ config: { adminToken: ADMIN } });
  });
  afterAll(() => app.close());
  const call = injectCall(() => app);

  test('a new meeting is seeded by the server from the template and has two random keys', async () => {
    const created = await call('POST', '/api/meetings', undefined, { title: 'Design review' });
    expect(created.status).toBe(201);
    const { id, editKey, viewKey, title } = created.body as Record<string, string>;
    expect(title).toBe('Design review');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(editKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(viewKey).not.toBe(editKey);
    const page = (await app.app.inject({ method: 'GET', url: `/api/meetings/${id}/export.md?key=${viewKey}` })).body;
    expect(page).toContain('# Design review');
    expect(page).toContain('## Agenda');
    expect(page).toContain('# Notes');
  });

  test('reading a meeting tells the role of the key', async () => {
    const meeting = await createThroughInject(app.app, { title: 'Roles' });
    expect((await call('GET', `/api/meetings/${meeting.id}`, meeting.editKey)).body).toMatchObject({ id: meeting.id, title: 'Roles', role: 'edit' });
    expect((await call('GET', `/api/meetings/${meeting.id}?key=${meeting.viewKey}`)).body).toMatchObject({ role: 'view' });
  });

  test('errors are { error, message } with the right status', async () => {
    const meeting = await createThroughInject(app.app);
    expect(await call('GET', '/api/meetings/bad%20id')).toMatchObject({ status: 400, body: { error: 'bad_meeting_id' } });
    expect(await call('GET', `/api/meetings/${meeting.id}`)).toMatchObject({ status: 401, body: { error: 'key_required' } });
    expect(await call('GET', `/api/meetings/${meeting.id}`, 'nope')).toMatchObject({ status: 401, body: { error: 'wrong_key' } });
    expect(await call('GET', '/api/meetings/doesNotExist1', 'nope')).toMatchObject({ status: 404, body: { error: 'meeting_not_found' } });
    expect(await call('DELETE', `/api/meetings/${meeting.id}`, meeting.viewKey)).toMatchObject({ status: 403, body: { error: 'edit_key_required' } });
    expect(await call('POST', '/api/meetings', undefined, { title: { text: 'x' } })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await call('POST', '/api/meetings', undefined, { nonsense: true })).toMatchObject({ status: 400 });
    expect(await call('GET', '/api/nothing-here')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  test('the admin list is newest first, paginated, and needs the admin token', async () => {
    const created = [];
    for (const title of ['p1', 'p2', 'p3']) {
      created.push(await createThroughInject(app.app, { title }));
      await new Promise((r) => setTimeout(r, 3));
    }
    expect((await call('GET', '/api/meetings')).status).toBe(401);
    expect((await call('GET', '/api/meetings', 'wrong')).status).toBe(401);
    const first = (await call('GET', '/api/meetings?limit=2', ADMIN)).body as { meetings: Array<{ title: string }>; nextCursor: string };
    expect(first.meetings.map((m) => m.title)).toEqual(['p3', 'p2']);
    expect(first.meetings[0]).not.toHaveProperty('editKeyHash');
    const second = (await call('GET', `/api/meetings?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, ADMIN)).body as { meetings: Array<{ title: string }> };
    expect(second.meetings[0]!.title).toBe('p1');
  });

  test('health and readiness', async () => {
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});

// These need attendees on WebSockets, so a listening server.
describe('meetings API with attendees connected', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { adminToken: ADMIN } });
  });
  afterAll(() => server.close());
  const call = fetchCall(() => server);

  test('deleting a meeting closes its sockets with 4404 and removes everything', async () => {
    const meeting = await createMeeting(server.url, { title: 'To delete' });
    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    const closed = new Promise<number>((resolve) => attendee.provider.ws!.addEventListener('close', (event) => resolve(event.code)));
    notesOf(attendee.doc).insert(0, 'soon gone');
    expect((await call('DELETE', `/api/meetings/${meeting.id}`, meeting.editKey)).status).toBe(204);
    expect(await closed).toBe(CLOSE.deleted);
    attendee.destroy();
    // Its key holders are told it was deleted (test/server/http-details.test.ts has the details).
    expect(await call('GET', `/api/meetings/${meeting.id}`, meeting.editKey)).toMatchObject({ status: 410, body: { error: 'meeting_deleted' } });
    expect(await call('GET', `/api/meetings/${meeting.id}/export.md`, meeting.editKey)).toMatchObject({ status: 410, body: { error: 'meeting_deleted' } });
    const list = (await call('GET', '/api/meetings?limit=500', ADMIN)).body as { meetings: Array<{ id: string }> };
    expect(list.meetings.map((m) => m.id)).not.toContain(meeting.id);
  });

  test('the title typed into the document becomes the meeting title', async () => {
    const meeting = await createMeeting(server.url, { title: 'Old title' });
    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    attendee.doc.getMap('meta').set('title', 'New title');
    await waitFor(async () => (await call('GET', `/api/meetings/${meeting.id}`, meeting.viewKey)).body?.title === 'New title', 'title to follow the document');
    attendee.destroy();
  });
});
