import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { joinMeeting, pageOf, rawSocket, syncFrame, updateFrame, upgradeStatus } from '../helpers/clients.js';
import { type CreatedMeeting, type TestServer, createMeeting, startTestServer, waitFor } from '../helpers/server.js';

let server: TestServer;
let meeting: CreatedMeeting;
beforeAll(async () => {
  server = await startTestServer();
  meeting = await createMeeting(server.url, { title: 'Access' });
});
afterAll(() => server.close());

const exported = async (): Promise<string> =>
  (await fetch(`${server.url}/api/meetings/${meeting.id}/export.md`, { headers: { authorization: `Bearer ${meeting.editKey}` } })).text();

/** An update that appends text, built against the current content of the meeting. */
const appendingUpdate = async (text: string): Promise<Uint8Array> => {
  const reader = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(reader.doc));
  reader.destroy();
  const before = Y.encodeStateVector(doc);
  notesOf(doc).insert(notesOf(doc).length, text);
  return Y.encodeStateAsUpdate(doc, before);
};

describe('who may connect and write', () => {
  test.each([
    ['sync step 2', SYNC.step2],
    ['update', SYNC.update],
  ])('a view-key connection cannot change the meeting (as %s): closed with 4403, nothing stored', async (_name, type) => {
    const before = await exported();
    const update = await appendingUpdate('view key was here');
    const socket = await rawSocket(server.wsUrl, meeting.id, meeting.viewKey);
    socket.ws.send(syncFrame(type, update));
    expect(await socket.closed).toBe(CLOSE.readOnly);
    expect(await exported()).toBe(before);
  });

  test('a view-key attendee syncs normally: its no-op sync step 2 is accepted and it sees edits', async () => {
    const viewer = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
    const editor = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    notesOf(editor.doc).insert(0, 'visible to viewers\n');
    await waitFor(() => pageOf(viewer.doc) === pageOf(editor.doc), 'viewer to receive the edit');
    expect(viewer.provider.wsconnected).toBe(true);
    viewer.destroy();
    editor.destroy();
  });

  test('refusals happen before the upgrade, with HTTP statuses', async () => {
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=wrong-key`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/unknownMeeting123?key=${meeting.editKey}`)).toBe(404);
    expect(await upgradeStatus(server.wsUrl, `/collab/bad!id?key=${meeting.editKey}`)).toBe(400);
    expect(await upgradeStatus(server.wsUrl, `/collab/short?key=${meeting.editKey}`)).toBe(400);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${meeting.editKey}`, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${meeting.editKey}`)).toBe(101);
  });

  test('a corrupted-tail update is rejected whole and closes the connection; others are unaffected', async () => {
    const bystander = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    const before = await exported();
    const update = await appendingUpdate('half an update');
    const corrupted = update.slice(0, update.length - 1);
    const socket = await rawSocket(server.wsUrl, meeting.id, meeting.editKey);
    socket.ws.send(updateFrame(corrupted));
    expect(await socket.closed).toBe(CLOSE.policy);
    expect(await exported()).toBe(before);
    expect(pageOf(bystander.doc)).not.toContain('half an update');

    notesOf(bystander.doc).insert(0, 'still working\n');
    await waitFor(async () => (await exported()).startsWith(pageOf(bystander.doc).slice(0, 10)) && (await exported()) === pageOf(bystander.doc), 'bystander edit stored');
    bystander.destroy();
  });
});
