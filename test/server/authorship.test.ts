/**
 * Who wrote what (issue 12, part 5), end to end: stock y-websocket clients with display names type
 * into a real server on LevelDB; the attribution read from GET …/authorship and applied to the
 * text's items must name whoever's connection sent each span, after a reconnect, a restart and a
 * compaction, and whatever a later client re-sends.
 */
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import type { WebsocketProvider } from 'y-websocket';
import { joinMeeting, joinNamed, syncFrame } from '../helpers/clients.js';
import { awarenessMsg, awarenessPayload, openRaw, syncMsg } from '../hostile/hostile-helpers.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';

const COMPACT_EVERY = 3;
const cleanups: Array<() => Promise<void> | void> = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const server of servers.splice(0)) await server.close();
});

// Servers on a data directory of the test's own, so one can restart on it.
const start = async (dataDir: string): Promise<TestServer> => {
  const server = await startTestServer({ dataDir, config: { compactEvery: COMPACT_EVERY } });
  servers.push(server);
  return server;
};

/**
 * Joins with `doc` (a reconnect keeps its client id) as `name`, set before connecting as the browser
 * client does (null: an unnamed connection), and waits until the server knows that name.
 */
const join = async (server: TestServer, meeting: CreatedMeeting, name: string | null, options: { doc?: Y.Doc; key?: string } = {}): Promise<WebsocketProvider> => {
  const doc = options.doc ?? new Y.Doc();
  if (!options.doc) cleanups.push(() => doc.destroy());
  const provider = await joinNamed(server, meeting.id, options.key ?? meeting.editKey, name, doc);
  cleanups.push(() => provider.destroy());
  return provider;
};

/** Types at the end of the notes and waits until the server's document holds it, durably. */
const type = async (server: TestServer, meeting: CreatedMeeting, doc: Y.Doc, text: string): Promise<void> => {
  const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
  await waitFor(() => notesOf(doc).toString() === notesOf(room.doc).toString(), 'the typist to have seen everything');
  notesOf(doc).insert(notesOf(doc).length, text);
  await waitFor(() => notesOf(room.doc).toString().includes(text), `the server to hold ${JSON.stringify(text)}`);
  await room.quiet();
};

const authorship = async (server: TestServer, meeting: CreatedMeeting): Promise<AuthorMap> => {
  const response = await fetch(`${server.url}/api/meetings/${meeting.id}/authorship?key=${meeting.viewKey}`);
  expect(response.status).toBe(200);
  return new AuthorMap((await response.json()) as never);
};

/** The visible text of the notes as spans of one author each, by walking its items. */
const spansOf = (doc: Y.Doc, map: AuthorMap): Array<[string, string | null]> => {
  const spans: Array<[string, string | null]> = [];
  for (let item = notesOf(doc)._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const text = (item.content as Y.ContentString).str;
    let offset = 0;
    for (const { len, author } of map.segments(item.id.client, item.id.clock, item.length)) {
      const last = spans[spans.length - 1];
      if (last && last[1] === author) last[0] += text.slice(offset, offset + len);
      else spans.push([text.slice(offset, offset + len), author]);
      offset += len;
    }
  }
  return spans;
};

describe('authorship', () => {
  test('each span is attributed to the connection that sent it, through a reconnect, a re-send, a restart and a compaction', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await start(dataDir);
    const meeting = await createMeeting(server.url, { markdown: '# Agenda\n\n# Notes\n\nSeeded. ' });

    const annaDoc = new Y.Doc();
    cleanups.push(() => annaDoc.destroy());
    const anna = await join(server, meeting, 'Anna', { doc: annaDoc });
    const initial = notesOf(annaDoc).toString();
    await type(server, meeting, annaDoc, 'Anna one. ');
    const ben = await join(server, meeting, 'Ben');
    await type(server, meeting, ben.doc, 'Ben two. ');
    await type(server, meeting, annaDoc, 'Anna again. ');

    // Anna's browser reconnects (the same provider and document, so the same client id), under the
    // display name she changed meanwhile: what she typed before stays under her old name.
    anna.disconnect();
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)!.peers.size === 1, 'the first connection to close');
    anna.awareness.setLocalStateField('user', { name: 'Anna K.', color: '#336699' });
    anna.connect();
    await waitFor(() => {
      const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
      return [...room.peers].some((peer) => room.namesOf(peer).includes('Anna K.'));
    }, 'the server to know Anna K.');
    await type(server, meeting, annaDoc, 'Anna three. ');

    // Mallory holds a copy of Anna's document and sends all of it (Anna's and Ben's items with it)
    // under her own name, plus one new sentence of hers.
    const malloryDoc = new Y.Doc();
    cleanups.push(() => malloryDoc.destroy());
    Y.applyUpdate(malloryDoc, Y.encodeStateAsUpdate(annaDoc));
    const mallory = await join(server, meeting, 'Mallory', { doc: malloryDoc });
    mallory.ws!.send(new Uint8Array(syncFrame(SYNC.update, Y.encodeStateAsUpdate(malloryDoc))));
    // Sent after the re-send on the same socket: once the server holds it, the re-send was applied.
    await type(server, meeting, malloryDoc, 'Mallory four. ');

    // A connection without a name, and a view-only one whose edit is refused.
    const anonymous = await join(server, meeting, null);
    await type(server, meeting, anonymous.doc, 'anon five. ');
    const viewer = await join(server, meeting, 'Viewer', { key: meeting.viewKey });
    const closes: number[] = [];
    viewer.on('connection-close', (event: CloseEvent | null) => void closes.push(event?.code ?? 0));
    notesOf(viewer.doc).insert(0, 'view six. ');
    await waitFor(() => closes.length > 0, 'the view-only connection to be refused');
    expect(closes[0]).toBe(CLOSE.readOnly);
    viewer.destroy();
    await server.app.meetpad.registry.loadedRoom(meeting.id)!.quiet();

    const expected: Array<[string, string | null]> = [
      [initial, null],
      ['Anna one. ', 'Anna'],
      ['Ben two. ', 'Ben'],
      ['Anna again. ', 'Anna'],
      ['Anna three. ', 'Anna K.'],
      ['Mallory four. ', 'Mallory'],
      ['anon five. ', null],
    ];
    const live = await authorship(server, meeting);
    expect(spansOf(annaDoc, live)).toEqual(expected);
    expect(live.segments(viewer.doc.clientID, 0, 10)).toEqual([{ len: 10, author: null }]);
    expect(notesOf(server.app.meetpad.registry.loadedRoom(meeting.id)!.doc).toString()).not.toContain('view six');
    // Stored, Mallory's records hold her own client's items only: the re-send recorded nothing.
    const records = await server.app.meetpad.store.collection<{ n: string | null; r: number[] }>('authorship').list(`${meeting.id}!`);
    const clientsOf = (name: string) => new Set(records.filter(({ value }) => value.n === name).flatMap(({ value }) => value.r.filter((_, i) => i % 3 === 0)));
    expect([...clientsOf('Mallory')]).toEqual([malloryDoc.clientID]);
    expect([...clientsOf('Anna'), ...clientsOf('Anna K.')]).toEqual([annaDoc.clientID, annaDoc.clientID]);

    // The log was compacted while they typed (7 entries or more, never more than 3 left); then the
    // server restarts on the same directory.
    expect((await server.app.meetpad.store.readDocument(meeting.id)).updates.length).toBeLessThan(COMPACT_EVERY);
    for (const cleanup of cleanups.splice(1).reverse()) await cleanup();
    await servers.pop()!.close();
    const restarted = await start(dataDir);

    const fresh = await joinMeeting(restarted.wsUrl, meeting.id, meeting.viewKey);
    cleanups.push(() => fresh.destroy());
    const afterRestart = await authorship(restarted, meeting);
    expect(spansOf(fresh.doc, afterRestart)).toEqual(expected);
    expect(afterRestart.toJSON()).toEqual(live.toJSON());
  });

  /**
   * Rita (a raw peer, named in awareness) sends the keystrokes of `edit` and a malformed frame in
   * one TCP write: one socket read on a built document (one transaction), refused at its end.
   * `clearPresence`: her awareness state removed after the keystrokes, as y-websocket's disconnect does.
   */
  const refusedRead = async (markdown: string, edit: (notes: Y.Text) => void, { clearPresence = false } = {}) => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await start(dataDir);
    const meeting = await createMeeting(server.url, { markdown });
    const rita = await openRaw(server.wsUrl, meeting.id, meeting.editKey, { acks: true });
    cleanups.push(() => rita.ws.terminate());
    await rita.until(() => rita.frames.length > 0);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    const doc = new Y.Doc();
    cleanups.push(() => doc.destroy());
    Y.applyUpdate(doc, room.encodeDiff(null));
    rita.send(awarenessMsg(awarenessPayload([{ clientId: doc.clientID, clock: 1, json: JSON.stringify({ user: { name: 'Rita', color: '#aa3300' } }) }])));
    await waitFor(() => [...room.peers].some((peer) => room.namesOf(peer).includes('Rita')), 'the server to know Rita');
    // Only a built document reads a socket's frames in one transaction (a served-from-storage room
    // builds it inside the first frame's own), and that transaction is what the refusal must not break.
    void room.doc;
    expect(room.hasDoc).toBe(true);

    const keystrokes: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => void keystrokes.push(update));
    edit(notesOf(doc));
    const tcp = (rita.ws as unknown as { _socket: Socket })._socket;
    tcp.cork();
    for (const keystroke of keystrokes) rita.send(syncMsg(SYNC.update, keystroke));
    if (clearPresence) rita.send(awarenessMsg(awarenessPayload([{ clientId: doc.clientID, clock: 2, json: 'null' }])));
    rita.send(Uint8Array.of(0, SYNC.update, 200));
    tcp.uncork();
    expect((await rita.closed).code).toBe(CLOSE.policy);
    await waitFor(() => notesOf(room.doc).toString() === notesOf(doc).toString(), 'the valid frames to be applied');
    await room.quiet();
    return { server, meeting, doc };
  };

  /** The authors of the meeting's revisions that have any (waits for the first). */
  const revisionAuthors = (server: TestServer, meeting: CreatedMeeting): Promise<string[][]> =>
    waitFor(async () => {
      const response = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions?key=${meeting.viewKey}`);
      const { revisions } = (await response.json()) as { revisions: Array<{ authors: string[] }> };
      const authors = revisions.map((revision) => revision.authors).filter((names) => names.length > 0);
      return authors.length > 0 ? authors : undefined;
    }, 'a revision with authors') as Promise<string[][]>;

  test('frames of one socket read before a refused one are stored and still credited to their sender', async () => {
    const { server, meeting, doc } = await refusedRead('# Agenda\n\n# Notes\n\n', (notes) => {
      for (const char of 'kept. ') notes.insert(notes.length, char);
    });
    expect(spansOf(doc, await authorship(server, meeting))).toEqual([
      ['# Notes\n\n', null],
      ['kept. ', 'Rita'],
    ]);
  });

  test('a sender whose edits became durable after it left is among the authors of the revision (a deletion has no text to credit)', async () => {
    const { server, meeting } = await refusedRead('# Agenda\n\n# Notes\n\nstruck ', (notes) => {
      const at = notes.toString().indexOf('struck ');
      for (let i = 0; i < 'struck '.length; i++) notes.delete(at, 1);
    });
    // Cut when the last peer left, once the read's entry was durable: Rita had left by then.
    expect(await revisionAuthors(server, meeting)).toEqual([['Rita']]);
  });

  test('keystrokes read with their sender clearing its presence (a stock client disconnecting) are credited to the name it showed', async () => {
    const { server, meeting, doc } = await refusedRead(
      '# Agenda\n\n# Notes\n\n',
      (notes) => {
        for (const char of 'bye. ') notes.insert(notes.length, char);
      },
      { clearPresence: true },
    );
    expect(spansOf(doc, await authorship(server, meeting))).toEqual([
      ['# Notes\n\n', null],
      ['bye. ', 'Rita'],
    ]);
    expect(await revisionAuthors(server, meeting)).toEqual([['Rita']]);
  });
});
