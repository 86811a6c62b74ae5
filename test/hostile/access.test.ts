/**
 * The access matrix (GUIDE 1.1, 1.2, 1.5): every way of holding the wrong thing (no key, a wrong
 * key, another meeting's key, a view key that writes, a foreign Origin, a missing creation or admin
 * token, a path that tries to leave its route) through the HTTP API and through a direct upgrade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { upgradeStatus } from '../helpers/clients.js';
import { createMeeting, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { EMPTY_UPDATE, closeRaw, exportText, meetingState, openRaw, roundTrip, startServer, syncMsg } from './hostile-helpers.js';
import { statusOf } from '../helpers/responses.js';

const EVIL = 'https://evil.example';

/** An HTTP request with an optional key (as Bearer or ?key=) and Origin. */
const call = async (
  server: TestServer,
  method: string,
  path: string,
  options: { bearer?: string; query?: string; origin?: string; body?: unknown } = {},
): Promise<Response> => {
  const headers: Record<string, string> = {};
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  if (options.origin !== undefined) headers.origin = options.origin;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = `${server.url}${path}${options.query !== undefined ? `?key=${encodeURIComponent(options.query)}` : ''}`;
  return fetch(url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
};

const errorCode = async (response: Response): Promise<string> => ((await response.json()) as { error: string }).error;

describe('meeting keys', () => {
  let server: TestServer;
  let mine: CreatedMeeting;
  let other: CreatedMeeting;
  beforeAll(async () => {
    server = await startServer();
    mine = await createMeeting(server.url, { title: 'Mine' });
    other = await createMeeting(server.url, { title: 'Other' });
  });
  afterAll(async () => {
    await server.close();
  });

  const wrongKeys = () => [
    { what: 'no key', options: {} },
    { what: 'an empty key', options: { query: '' } },
    { what: 'a made-up key', options: { bearer: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } },
    { what: "another meeting's edit key", options: { bearer: other.editKey } },
    { what: "another meeting's view key", options: { query: other.viewKey } },
    { what: 'the key hash instead of the key', options: { bearer: 'x'.repeat(43) } },
  ];

  it('reading a meeting or its export needs one of its own keys', async () => {
    for (const path of [`/api/meetings/${mine.id}`, `/api/meetings/${mine.id}/export.md`]) {
      for (const { what, options } of wrongKeys()) {
        const response = await call(server, 'GET', path, options);
        expect(response.status, `${path} with ${what}`).toBe(401);
        expect(await response.text()).not.toContain('# Mine');
      }
      for (const key of [mine.editKey, mine.viewKey]) {
        expect(await statusOf(call(server, 'GET', path, { bearer: key }))).toBe(200);
        expect(await statusOf(call(server, 'GET', path, { query: key }))).toBe(200);
      }
    }
    const asViewer = (await (await call(server, 'GET', `/api/meetings/${mine.id}`, { bearer: mine.viewKey })).json()) as Record<string, unknown>;
    expect(asViewer.role).toBe('view');
    expect(JSON.stringify(asViewer)).not.toMatch(/Hash|editKey|viewKey/);
    const asEditor = (await (await call(server, 'GET', `/api/meetings/${mine.id}`, { bearer: mine.editKey })).json()) as Record<string, unknown>;
    expect(asEditor.role).toBe('edit');
  });

  it('deleting a meeting needs its edit key, from no foreign Origin', async () => {
    const doomed = await createMeeting(server.url);
    const path = `/api/meetings/${doomed.id}`;
    for (const { what, options } of wrongKeys()) expect(await statusOf(call(server, 'DELETE', path, options)), what).toBe(401);
    const asViewer = await call(server, 'DELETE', path, { bearer: doomed.viewKey });
    expect(asViewer.status).toBe(403);
    expect(await errorCode(asViewer)).toBe('edit_key_required');
    const crossSite = await call(server, 'DELETE', path, { bearer: doomed.editKey, origin: EVIL });
    expect(crossSite.status).toBe(403);
    expect(await errorCode(crossSite)).toBe('origin_not_allowed');
    expect(await statusOf(call(server, 'GET', path, { bearer: doomed.editKey }))).toBe(200);
    expect(await statusOf(call(server, 'DELETE', path, { bearer: doomed.editKey, origin: server.url }))).toBe(204);
    // Deleted, said only to its key holders; to anyone else it is unknown.
    const gone = await call(server, 'GET', path, { bearer: doomed.viewKey });
    expect(gone.status).toBe(410);
    expect(await errorCode(gone)).toBe('meeting_deleted');
    const stranger = await call(server, 'GET', path, { bearer: 'not-a-key-of-this-meeting' });
    expect(stranger.status).toBe(404);
    expect(await errorCode(stranger)).toBe('meeting_not_found');
  });

  it('creating a meeting from a foreign Origin is refused; same-origin and Origin-less tools may', async () => {
    const crossSite = await call(server, 'POST', '/api/meetings', { origin: EVIL, body: { title: 'csrf' } });
    await crossSite.body?.cancel();
    expect(crossSite.status).toBe(403);
    expect(await statusOf(call(server, 'POST', '/api/meetings', { origin: 'null', body: {} }))).toBe(403);
    expect(await statusOf(call(server, 'POST', '/api/meetings', { origin: server.url, body: {} }))).toBe(201);
    expect(await statusOf(call(server, 'POST', '/api/meetings', { body: {} }))).toBe(201);
  });

  it('reads from a foreign Origin get no CORS permission to read the answer', async () => {
    const response = await call(server, 'GET', `/api/meetings/${mine.id}/export.md`, { bearer: mine.viewKey, origin: EVIL });
    await response.body?.cancel();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('meeting ids that try to leave their route are refused with 400 before any storage access', async () => {
    for (const id of ['..%2f..%2fpackage.json', '..%2F..%2F.env', 'short', 'a'.repeat(65), 'abc%00defghij', 'abcdefgh%20ij']) {
      expect(await statusOf(call(server, 'GET', `/api/meetings/${id}`, { bearer: mine.editKey })), id).toBe(400);
      expect(await statusOf(call(server, 'GET', `/api/meetings/${id}/export.md`, { bearer: mine.editKey })), id).toBe(400);
      expect(await upgradeStatus(server.wsUrl, `/collab/${id}?key=${mine.editKey}`), id).toBe(400);
    }
    expect(await statusOf(call(server, 'GET', '/api/meetings/abcdefgh-unknown', { bearer: mine.editKey }))).toBe(404);
  });

  it('a malformed percent-encoding in the upgrade path is a 400, not a server error', async () => {
    expect(await upgradeStatus(server.wsUrl, `/collab/%E0%A4%A?key=${mine.editKey}`)).toBe(400);
    expect(await upgradeStatus(server.wsUrl, `/collab/%zz?key=${mine.editKey}`)).toBe(400);
  });

  it('upgrades: no key, wrong keys, foreign Origins are refused before the upgrade; own keys pass', async () => {
    const path = `/collab/${mine.id}`;
    expect(await upgradeStatus(server.wsUrl, path)).toBe(401);
    for (const key of ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', other.editKey, other.viewKey]) {
      expect(await upgradeStatus(server.wsUrl, `${path}?key=${encodeURIComponent(key)}`)).toBe(401);
      expect(await upgradeStatus(server.wsUrl, path, { authorization: `Bearer ${key}` })).toBe(401);
    }
    expect(await upgradeStatus(server.wsUrl, `/collab/abcdefgh-unknown?key=${mine.editKey}`)).toBe(404);
    for (const key of [mine.editKey, mine.viewKey]) {
      expect(await upgradeStatus(server.wsUrl, `${path}?key=${key}`, { origin: EVIL })).toBe(403);
      expect(await upgradeStatus(server.wsUrl, `${path}?key=${key}`, { origin: server.url })).toBe(101);
      expect(await upgradeStatus(server.wsUrl, path, { authorization: `Bearer ${key}` })).toBe(101);
    }
  });

  it('a view key cannot write (sync step 2 or update: 4403, nothing stored); its no-op sync step 2 passes', async () => {
    const before = await meetingState(server, mine.id, mine.editKey);
    const doc = await server.app.meetpad.meetings.readDoc(mine.id);
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    doc.getText('notes').insert(0, 'VIEWER WAS HERE');
    for (const subtype of [SYNC.step2, SYNC.update]) {
      const peer = await openRaw(server.wsUrl, mine.id, mine.viewKey);
      peer.send(syncMsg(subtype, updates[0]!));
      expect((await peer.closed).code).toBe(CLOSE.readOnly);
    }
    const noop = await openRaw(server.wsUrl, mine.id, mine.viewKey);
    noop.send(syncMsg(SYNC.step2, EMPTY_UPDATE));
    noop.send(syncMsg(SYNC.step2, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))));
    expect(await roundTrip(noop)).toBe(true);
    await closeRaw(noop);
    doc.destroy();
    expect(await meetingState(server, mine.id, mine.editKey)).toEqual(before);
    expect((await exportText(server.url, mine.id, mine.viewKey)).text).not.toContain('VIEWER WAS HERE');
  });
});

describe('creation and admin tokens', () => {
  let server: TestServer;
  const createToken = 'create-token-0123456789abcdef';
  const adminToken = 'admin-token-0123456789abcdef';
  beforeAll(async () => {
    server = await startServer({ config: { createToken, adminToken } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('creating a meeting needs the creation token when one is configured', async () => {
    for (const bearer of [undefined, '', 'wrong', adminToken, `${createToken}x`]) {
      expect(await statusOf(call(server, 'POST', '/api/meetings', { body: {}, ...(bearer !== undefined ? { bearer } : {}) })), String(bearer)).toBe(401);
    }
    expect(await statusOf(fetch(`${server.url}/api/meetings?key=${createToken}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))).toBe(401);
    expect(await statusOf(call(server, 'POST', '/api/meetings', { body: {}, bearer: createToken, origin: EVIL }))).toBe(403);
    expect(await statusOf(call(server, 'POST', '/api/meetings', { body: {}, bearer: createToken }))).toBe(201);
  });

  it('the server-wide list needs the admin token', async () => {
    const created = (await (await call(server, 'POST', '/api/meetings', { body: { title: 'Listed' }, bearer: createToken })).json()) as CreatedMeeting;
    for (const bearer of [undefined, '', 'wrong', createToken, created.editKey, `${adminToken}x`, adminToken.slice(1)]) {
      expect(await statusOf(call(server, 'GET', '/api/meetings', bearer !== undefined ? { bearer } : {})), String(bearer)).toBe(401);
    }
    expect(await statusOf(fetch(`${server.url}/api/meetings?token=${adminToken}`))).toBe(401);
    const listed = await call(server, 'GET', '/api/meetings', { bearer: adminToken });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { meetings: Array<Record<string, unknown>> };
    expect(body.meetings.map((m) => m.id)).toContain(created.id);
    expect(JSON.stringify(body)).not.toMatch(/Hash|editKey|viewKey/);
  });

  it('with no admin token configured, the list is disabled for everyone', async () => {
    const open = await startServer();
    try {
      for (const bearer of [undefined, '', 'anything']) {
        const response = await call(open, 'GET', '/api/meetings', bearer !== undefined ? { bearer } : {});
        expect(response.status).toBe(403);
        expect(await errorCode(response)).toBe('admin_disabled');
      }
    } finally {
      await open.close();
    }
  });
});
