/**
 * Regressions for the lifecycle defects a review found in the first server core: a socket closed
 * while its meeting loaded kept the meeting in memory for good; a failing meeting was reloaded in
 * a loop; an update held for a dependency that arrived on another socket waited for its own socket
 * to send again; a title from the document was stored without the length clamp.
 */
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MAX_TITLE_LENGTH, META_KEYS, metaOf, notesOf } from '../../shared/doc-schema.js';
import { CLOSE, SYNC } from '../../shared/protocol.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { OpenedDocument } from '../../server/storage/meeting-store.js';
import { joinMeeting } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { exportText, openRaw, syncMsg } from '../hostile/hostile-helpers.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const serve = async (options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
  const server = await startTestServer(options);
  cleanup.push(() => server.close());
  return server;
};

describe('meetings in memory', () => {
  test('a meeting whose only socket closed while it was loading is unloaded like any other', async () => {
    const server = await serve({ config: { roomIdleMs: 50 } });
    const meetings = await Promise.all(Array.from({ length: 20 }, () => createMeeting(server.url)));
    await Promise.all(
      meetings.map(
        (meeting) =>
          new Promise<void>((resolve) => {
            const ws = new WebSocket(`${server.wsUrl}/collab/${meeting.id}?key=${meeting.editKey}`);
            ws.on('open', () => ws.terminate());
            ws.on('close', () => resolve());
            ws.on('error', () => {});
          }),
      ),
    );
    await waitFor(() => server.app.meetpad.registry.size === 0, 'every meeting to be unloaded');
  });

  test('an update held for a dependency is applied when the dependency arrives on another socket', async () => {
    const server = await serve();
    const meeting = await createMeeting(server.url, { title: 'Two tabs' });
    const reader = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => reader.destroy());
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(reader.doc));
    const updates: Uint8Array[] = [];
    base.on('update', (update: Uint8Array) => updates.push(update));
    notesOf(base).insert(notesOf(base).length, 'first ');
    notesOf(base).insert(notesOf(base).length, 'second');
    const [first, second] = updates as [Uint8Array, Uint8Array];

    // Tab A sends the edit that builds on one only tab B has (B's frame is late after a reconnect).
    const tabA = await openRaw(server.wsUrl, meeting.id, meeting.editKey, { acks: true });
    const tabB = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => tabA.ws.terminate(), () => tabB.ws.terminate());
    tabA.send(syncMsg(SYNC.update, second));
    tabB.send(syncMsg(SYNC.update, first));

    await waitFor(async () => (await exportText(server.url, meeting.id, meeting.viewKey)).text.endsWith('first second'), 'both edits to be stored');
    await tabA.until(() => tabA.saved() >= 1);
    await waitFor(() => notesOf(reader.doc).toString().endsWith('first second'), 'both edits to reach another attendee');
    expect(tabA.closeCode()).toBeNull();
  });

  test('held updates are all applied when the dependency arrives, even when it repeats one of them', async () => {
    const server = await serve();
    const meeting = await createMeeting(server.url, { title: 'Two tabs, three edits' });
    const base = new Y.Doc();
    const reader = await joinMeeting(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => reader.destroy(), () => base.destroy());
    Y.applyUpdate(base, Y.encodeStateAsUpdate(reader.doc));
    const updates: Uint8Array[] = [];
    base.on('update', (update: Uint8Array) => updates.push(update));
    for (const word of ['one ', 'two ', 'three']) notesOf(base).insert(notesOf(base).length, word);
    const [one, two, three] = updates as [Uint8Array, Uint8Array, Uint8Array];

    // Tab A holds "two" (needs "one") and "three" (needs "two"); tab B then sends "one" and "two"
    // together: "two" of tab A becomes a repeat, which changes nothing, and "three" must not wait
    // for someone else's keystroke.
    const tabA = await openRaw(server.wsUrl, meeting.id, meeting.editKey, { acks: true });
    const tabB = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => tabA.ws.terminate(), () => tabB.ws.terminate());
    tabA.send(syncMsg(SYNC.update, two));
    tabA.send(syncMsg(SYNC.update, three));
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id) !== undefined, 'the meeting to load');
    tabB.send(syncMsg(SYNC.update, Y.mergeUpdates([one, two])));

    await waitFor(async () => (await exportText(server.url, meeting.id, meeting.viewKey)).text.endsWith('one two three'), 'all three edits to be stored');
    await tabA.until(() => tabA.saved() >= 2);
    expect(tabA.closeCode()).toBeNull();
  });

  test('a title set through the document is stored cut to the same length as at creation', async () => {
    const server = await serve();
    const meeting = await createMeeting(server.url, { title: 'Short' });
    const writer = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => writer.destroy());
    metaOf(writer.doc).set(META_KEYS.title, `${'Long title '.repeat(40)}end`);
    const title = await waitFor(async () => {
      const response = await fetch(`${server.url}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.viewKey}` } });
      const info = (await response.json()) as { title: string };
      return info.title !== 'Short' && info.title;
    }, 'the new title to be stored');
    expect(title).toBe('Long title '.repeat(40).trim().slice(0, MAX_TITLE_LENGTH));
  });
});

/** A memory store that counts how often a meeting's document is opened (loaded). */
class CountingStore extends MemoryStore {
  opens = 0;
  override openDocument(id: string): Promise<OpenedDocument> {
    this.opens++;
    return super.openDocument(id);
  }
}

describe('a meeting whose storage fails', () => {
  test('is not reloaded in a loop: reconnects during the back-off are refused with 4503 and logged once', async () => {
    const store = new CountingStore();
    const clock = new ManualClock();
    const lines: Array<{ level: number; msg: string }> = [];
    const server = await serve({
      config: { logLevel: 'warn' },
      deps: { store, clock, logStream: { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } },
    });
    cleanup.push(() => store.close());
    const meeting = await createMeeting(server.url);
    const client = new Y.Doc();
    notesOf(client).insert(0, 'cannot be saved');
    store.failWrites = true;
    const typist = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    await typist.until(() => typist.frames.length > 0);
    typist.send(syncMsg(SYNC.update, Y.encodeStateAsUpdate(client)));
    expect((await typist.closed).code).toBe(CLOSE.storageUnavailable);

    for (let i = 0; i < 5; i++) {
      const again = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
      expect((await again.closed).code).toBe(CLOSE.storageUnavailable);
    }
    expect(store.opens).toBe(1);
    const errors = () => lines.filter((line) => line.level >= 50);
    expect(errors()).toHaveLength(1);

    // After the back-off the meeting is loaded again, once; storage still fails, so the next back-off is longer.
    await clock.advance(1000);
    const retry = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    await retry.until(() => retry.frames.length > 0);
    retry.send(syncMsg(SYNC.update, Y.encodeStateAsUpdate(client)));
    expect((await retry.closed).code).toBe(CLOSE.storageUnavailable);
    expect(store.opens).toBe(2);
    await clock.advance(1000);
    expect((await (await openRaw(server.wsUrl, meeting.id, meeting.editKey)).closed).code).toBe(CLOSE.storageUnavailable);
    expect(store.opens).toBe(2);
    expect(errors()).toHaveLength(2);

    // Storage is back: after the back-off, edits are saved again.
    store.failWrites = false;
    await clock.advance(1000);
    const healthy = await openRaw(server.wsUrl, meeting.id, meeting.editKey, { acks: true });
    cleanup.push(() => healthy.ws.terminate());
    await healthy.until(() => healthy.frames.length > 0);
    healthy.send(syncMsg(SYNC.update, Y.encodeStateAsUpdate(client)));
    await healthy.until(() => healthy.saved() >= 1);
    expect((await exportText(server.url, meeting.id, meeting.viewKey)).text).toContain('cannot be saved');
  });
});

describe('review findings', () => {
  test('a failed load shared by many sockets is logged once', async () => {
    class FailingStore extends MemoryStore {
      override async openDocument(): Promise<OpenedDocument> {
        await new Promise((resolve) => setTimeout(resolve, 50)); // a slow disk: every socket waits for the same load
        throw new Error('disk read failed');
      }
    }
    const store = new FailingStore();
    const lines: Array<{ level: number; msg: string }> = [];
    const server = await serve({ config: { logLevel: 'warn' }, deps: { store, clock: new ManualClock(), logStream: { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } } });
    cleanup.push(() => store.close());
    const meeting = await createMeeting(server.url);
    const sockets = await Promise.all(Array.from({ length: 10 }, () => openRaw(server.wsUrl, meeting.id, meeting.editKey)));
    const codes = await Promise.all(sockets.map(async (socket) => (await socket.closed).code));
    expect(new Set(codes)).toEqual(new Set([CLOSE.storageUnavailable]));
    expect(lines.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual(['loading a meeting failed']);
  });

  test('an export racing a deletion answers 410, never an empty page', async () => {
    const store = new MemoryStore();
    const server = await serve({ deps: { store } });
    cleanup.push(() => store.close());
    const meeting = await createMeeting(server.url);
    const resume = store.pauseWrites();
    const deletion = fetch(`${server.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    const exported = exportText(server.url, meeting.id, meeting.viewKey);
    await new Promise((resolve) => setTimeout(resolve, 50)); // both requests are in, waiting on the paused disk
    resume();
    const deleted = await deletion;
    await deleted.arrayBuffer();
    expect(deleted.status).toBe(204);
    const { status, text } = await exported;
    expect(status === 410 || (status === 200 && text.length > 0)).toBe(true);
    expect((await exportText(server.url, meeting.id, meeting.viewKey)).status).toBe(410);
  });
});
