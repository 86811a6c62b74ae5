/**
 * Running the meeting through a real server (GUIDE 1.8): the server's time, and the "now
 * discussing" state in `meta` moved by stock y-websocket clients at the same moment.
 */
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { ServerTime } from '../../shared/api-types.js';
import { agendaOf, metaOf, notesOf } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { clockOffset, nextTopic, runOf, runTimers } from '../../shared/meeting-run.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;
const PAGE = '# Weekly\n\n## Agenda\n\n1. Intro 5 min (Anna)\n2. Budget 15 min (Ben)\n3. Hiring 10 min\n4. AOB\n\n# Notes\n';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (clock: ManualClock): Promise<TestServer> => {
  const server = await startTestServer({ deps: { clock } });
  cleanups.push(() => server.close());
  return server;
};
const join = async (server: TestServer, id: string, key: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanups.push(() => attendee.destroy());
  return attendee;
};
const topicsOf = (doc: Y.Doc): ParsedTopic[] => parseMeeting({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() }).topics;
const serverTime = async (server: TestServer): Promise<number> => ((await (await fetch(`${server.url}/api/time`)).json()) as ServerTime).now;
const sameState = (docs: Y.Doc[]): boolean => docs.every((d) => Buffer.from(Y.encodeStateVector(d)).equals(Buffer.from(Y.encodeStateVector(docs[0]!))));

describe('the server tells its time', () => {
  test('GET /api/time answers the server clock, uncached, and a client corrects its offset with it', async () => {
    const clock = new ManualClock(T0);
    const server = await start(clock);
    const sentAt = Date.now();
    const response = await fetch(`${server.url}/api/time`);
    const body = (await response.json()) as ServerTime;
    const receivedAt = Date.now();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ now: T0 });
    const { offsetMs, roundTripMs } = clockOffset(sentAt, body.now, receivedAt);
    // The corrected time is the server's, up to half the round trip.
    expect(Math.abs(receivedAt + offsetMs - T0)).toBeLessThanOrEqual(roundTripMs / 2 + 1);
    await clock.advance(90 * MIN);
    expect(await serverTime(server)).toBe(T0 + 90 * MIN);
  });
});

describe('"next" from two stock clients at the same moment', () => {
  test('moves the meeting by exactly one topic, online and after an offline press; a late joiner sees the current topic; a view key cannot move it', async () => {
    const clock = new ManualClock(T0);
    const server = await start(clock);
    const meeting = await createMeeting(server.url, { markdown: PAGE });
    const alice = await join(server, meeting.id, meeting.editKey);
    const bob = await join(server, meeting.id, meeting.editKey);
    const topics = topicsOf(alice.doc);
    const room = () => server.app.meetpad.registry.loadedRoom(meeting.id)!.doc;
    const converged = (what: string, ...docs: Y.Doc[]) => waitFor(() => sameState([room(), ...docs]), what);

    expect(nextTopic(alice.doc, topics, null, await serverTime(server))).toMatchObject({ moved: true, to: { title: 'Intro' } });
    await converged('the start reaching Bob', alice.doc, bob.doc);
    expect(runOf(bob.doc).current?.title).toBe('Intro');

    // Both press "next" in the same turn: neither has heard of the other's press.
    await clock.advance(5 * MIN);
    const now = await serverTime(server);
    nextTopic(alice.doc, topics, topics[0]!.id, now);
    nextTopic(bob.doc, topics, topics[0]!.id, now + 20);
    await converged('both presses everywhere', alice.doc, bob.doc);
    for (const doc of [alice.doc, bob.doc, room()]) {
      expect(runOf(doc).spans.map((s) => s.title)).toEqual(['Intro', 'Budget']);
      expect(metaOf(doc).toJSON()).toEqual(metaOf(alice.doc).toJSON());
    }

    // Bob is offline when both press "next" again; he comes back later.
    await clock.advance(15 * MIN);
    bob.provider.disconnect();
    const later = await serverTime(server);
    nextTopic(alice.doc, topics, topics[1]!.id, later);
    nextTopic(bob.doc, topics, topics[1]!.id, later + 3000);
    bob.provider.connect();
    await converged('the offline press merged', alice.doc, bob.doc);
    expect(runOf(alice.doc)).toEqual(runOf(bob.doc));
    expect(runOf(room()).spans.map((s) => s.title)).toEqual(['Intro', 'Budget', 'Hiring']);

    // A late joiner sees Hiring as current, with its elapsed time in the server's clock.
    await clock.advance(4 * MIN);
    const carol = await join(server, meeting.id, meeting.viewKey);
    const timers = runTimers(runOf(carol.doc), topicsOf(carol.doc), null, await serverTime(server));
    // Alice's press was the earlier of the two made from Budget: Hiring started then.
    expect(timers.current).toMatchObject({ index: 2, topic: { title: 'Hiring' }, clock: { elapsedMs: 4 * MIN, boxMs: 10 * MIN, remainingMs: 6 * MIN, level: 'ok' } });

    // The view key's "next" is refused (4403) and never reaches the meeting.
    const closed = new Promise<number>((resolve) => carol.provider.ws?.addEventListener('close', (event) => resolve(event.code)));
    nextTopic(carol.doc, topicsOf(carol.doc), runOf(carol.doc).current!.topicId, await serverTime(server));
    expect(await closed).toBe(CLOSE.readOnly);
    carol.destroy();
    await converged('nothing more', alice.doc);
    expect(runOf(room()).current?.title).toBe('Hiring');
  });
});
