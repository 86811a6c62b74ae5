/**
 * What the history API tests share: named stock y-websocket attendees (their awareness name is
 * known to the server before they type), JSON and text calls with a key, and waiting until the
 * server holds a text on disk.
 */
import type { CreatedMeeting, Revision } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { waitFor, type TestServer } from '../helpers/server.js';

/** Cleanup steps, run newest first by the test file's afterEach. */
export type Cleanups = Array<() => Promise<void> | void>;

/** Joins `meeting` as `name` and waits until the server's room knows that name. */
export const joinAs = async (cleanups: Cleanups, server: TestServer, meeting: CreatedMeeting, name: string, key = meeting.editKey): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, meeting.id, key);
  cleanups.push(() => attendee.destroy());
  attendee.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
  await waitFor(() => {
    const room = server.app.meetpad.registry.loadedRoom(meeting.id);
    return room && [...room.peers].some((peer) => room.namesOf(peer).includes(name));
  }, `the server to know ${name}`);
  return attendee;
};

/** A call with a Bearer key; the body is always read (JSON when it parses, else text). */
export const call = async (server: TestServer, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any; text: string; type: string | null }> => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text, type: response.headers.get('content-type') };
};

/** The live export (durable text only) of a meeting. */
export const liveExport = async (server: TestServer, meeting: CreatedMeeting): Promise<string> => (await call(server, 'GET', `/api/meetings/${meeting.id}/export.md`, meeting.viewKey)).text;

/** Waits until the server's export equals what `attendee` sees. */
export const synced = (server: TestServer, meeting: CreatedMeeting, page: () => string): Promise<unknown> =>
  waitFor(async () => (await liveExport(server, meeting)) === page(), 'the text to be on disk');

/** Names the current state (POST …/revisions), expecting 201. */
export const nameRevision = async (server: TestServer, meeting: CreatedMeeting, name: string): Promise<Revision> => {
  const { status, json } = await call(server, 'POST', `/api/meetings/${meeting.id}/revisions`, meeting.editKey, { name });
  if (status !== 201) throw new Error(`naming failed: ${status} ${JSON.stringify(json)}`);
  return (json as { revision: Revision }).revision;
};

/** Lists revisions, newest first. */
export const revisions = async (server: TestServer, meeting: CreatedMeeting): Promise<Revision[]> =>
  ((await call(server, 'GET', `/api/meetings/${meeting.id}/revisions`, meeting.viewKey)).json as { revisions: Revision[] }).revisions;

/** Types at the end of the notes. */
export const append = (attendee: Attendee, text: string): void => notesOf(attendee.doc).insert(notesOf(attendee.doc).length, text);
