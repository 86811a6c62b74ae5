import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { META_KEYS, agendaOf, metaOf } from '../../shared/doc-schema.js';
import { splitMarkdown } from '../../shared/markdown.js';
import { parseMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { seededRandom } from '../helpers/random.js';
import { clockOffset, coveredTopics, endMeeting, isRunKey, nextTopic, overrunLevel, readRun, runOf, runTimers, startTopic, type RunMove } from '../../shared/meeting-run.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;
const AGENDA = '# Weekly\n\n## Agenda\n\n1. Intro 5 min (Anna)\n2. Budget [15\'] (Ben / Carl)\n3. AOB\n';

const docs: Y.Doc[] = [];
afterEach(() => {
  for (const doc of docs.splice(0)) doc.destroy();
});

/** A meeting document with `agenda`, as the server seeds it; `clientID` fixes Yjs' tie-break order. */
const meetingDoc = (clientID?: number): Y.Doc => {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  docs.push(doc);
  return doc;
};
const seeded = (agenda = AGENDA): Y.Doc => {
  const doc = meetingDoc();
  agendaOf(doc).insert(0, agenda);
  return doc;
};
/** A second copy of `source` (another browser), optionally with a chosen client id. */
const copyOf = (source: Y.Doc, clientID?: number): Y.Doc => {
  const doc = meetingDoc(clientID);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  return doc;
};
const sync = (a: Y.Doc, b: Y.Doc): void => {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
};
const topicsOf = (doc: Y.Doc): ParsedTopic[] => parseMeeting({ agenda: agendaOf(doc).toString(), notes: '' }).topics;
const titles = (doc: Y.Doc): Array<[string, number, number | null]> => runOf(doc).spans.map((s) => [s.title, s.startedAt - T0, s.endedAt === null ? null : s.endedAt - T0]);

describe('running through the agenda', () => {
  test('next starts the first topic, moves one topic at a time, and past the last one ends the meeting', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    expect(runOf(doc)).toMatchObject({ status: 'not-started', current: null, startedAt: null });
    expect(nextTopic(doc, topics, null, T0)).toEqual({ moved: true, to: topics[0] });
    expect(nextTopic(doc, topics, topics[0]!.id, T0 + 4 * MIN)).toEqual({ moved: true, to: topics[1] });
    expect(nextTopic(doc, topics, topics[1]!.id, T0 + 20 * MIN)).toEqual({ moved: true, to: topics[2] });
    expect(runOf(doc).current).toMatchObject({ topicId: topics[2]!.id, title: 'AOB', startedAt: T0 + 20 * MIN, endedAt: null });
    expect(nextTopic(doc, topics, topics[2]!.id, T0 + 25 * MIN)).toEqual({ moved: true, to: null });
    const run = runOf(doc);
    expect(run).toMatchObject({ status: 'ended', current: null, startedAt: T0, endedAt: T0 + 25 * MIN });
    expect(titles(doc)).toEqual([
      ['Intro', 0, 4 * MIN],
      ['Budget', 4 * MIN, 20 * MIN],
      ['AOB', 20 * MIN, 25 * MIN],
    ]);
    // Ended: "next" does nothing; starting a topic again resumes the meeting.
    expect(nextTopic(doc, topics, null, T0 + 26 * MIN)).toEqual({ moved: false });
    expect(startTopic(doc, topics[1]!, T0 + 30 * MIN)).toBe(true);
    expect(runOf(doc)).toMatchObject({ status: 'running', endedAt: null, current: { title: 'Budget', startedAt: T0 + 30 * MIN } });
  });

  test('a "next" from a topic that is no longer current does nothing (someone moved first)', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    nextTopic(doc, topics, null, T0);
    nextTopic(doc, topics, topics[0]!.id, T0 + MIN);
    expect(nextTopic(doc, topics, topics[0]!.id, T0 + 2 * MIN)).toEqual({ moved: false });
    expect(nextTopic(doc, topics, null, T0 + 2 * MIN)).toEqual({ moved: false });
    expect(startTopic(doc, topics[1]!, T0 + 2 * MIN)).toBe(false);
    expect(runOf(doc).current?.title).toBe('Budget');
  });

  test('the run lives in meta under the documented keys, as plain JSON', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    nextTopic(doc, topics, null, T0);
    endMeeting(doc, T0 + MIN);
    expect(metaOf(doc).toJSON()).toEqual({
      [`${META_KEYS.runMarkPrefix}0.${doc.clientID}`]: { at: T0, after: 0, topicId: topics[0]!.id, title: 'Intro' },
      [`${META_KEYS.runMarkPrefix}${T0}.${doc.clientID}`]: { at: T0 + MIN, after: T0, topicId: null, title: '' },
    });
    expect([...metaOf(doc).keys()].every(isRunKey)).toBe(true);
    expect(isRunKey(META_KEYS.title)).toBe(false);
  });

  test('a late joiner (a copy made from the stored state) sees the current topic and when it started', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    nextTopic(doc, topics, null, T0);
    nextTopic(doc, topics, topics[0]!.id, T0 + 3 * MIN);
    const late = copyOf(doc);
    expect(runOf(late)).toEqual(runOf(doc));
    expect(runTimers(runOf(late), topicsOf(late), 20, T0 + 10 * MIN).current).toMatchObject({ index: 1, sinceMs: 7 * MIN, clock: { elapsedMs: 7 * MIN, boxMs: 15 * MIN } });
  });

  test('the seed meeting runs through its 21 topics and ends', () => {
    const seed = readFileSync(new URL('../fixtures/status-devs-meeting-1.md', import.meta.url), 'utf8');
    const doc = seeded(splitMarkdown(seed).agenda);
    const topics = topicsOf(doc);
    let from: string | null = null;
    for (let i = 0; i <= topics.length; i++) {
      const move: RunMove = nextTopic(doc, topics, from, T0 + i * 4 * MIN);
      expect(move.moved).toBe(true);
      from = move.moved && move.to ? move.to.id : null;
    }
    const run = runOf(doc);
    expect(run.status).toBe('ended');
    expect(run.spans.map((s) => s.title)).toEqual(topics.map((t) => t.title));
    expect(runTimers(run, topics, 90, T0 + 200 * MIN).meeting).toEqual({ elapsedMs: 84 * MIN, boxMs: 90 * MIN, remainingMs: 6 * MIN, level: 'ok' });
  });
});

describe('two people at once', () => {
  // Yjs breaks ties by client id: try both orders so neither copy wins by luck.
  for (const [a, b] of [[1, 2], [2, 1]] as const) {
    test(`a concurrent "next" from two copies advances by exactly one topic (client ids ${a}, ${b})`, () => {
      const origin = seeded();
      const topics = topicsOf(origin);
      nextTopic(origin, topics, null, T0);
      const alice = copyOf(origin, 1000 + a);
      const bob = copyOf(origin, 1000 + b);
      // Both see Intro and press "next" before either hears of the other.
      expect(nextTopic(alice, topics, topics[0]!.id, T0 + 5 * MIN)).toMatchObject({ moved: true, to: { title: 'Budget' } });
      expect(nextTopic(bob, topics, topics[0]!.id, T0 + 5 * MIN + 150)).toMatchObject({ moved: true, to: { title: 'Budget' } });
      sync(alice, bob);
      expect(runOf(alice)).toEqual(runOf(bob));
      expect(runOf(alice).current?.title).toBe('Budget');
      expect(runOf(alice).spans).toHaveLength(2);
      expect(metaOf(alice).toJSON()).toEqual(metaOf(bob).toJSON());
      // The next press moves on to AOB, not past it.
      expect(nextTopic(bob, topics, topics[1]!.id, T0 + 9 * MIN)).toMatchObject({ moved: true, to: { title: 'AOB' } });
      sync(alice, bob);
      expect(runOf(alice).spans.map((s) => s.title)).toEqual(['Intro', 'Budget', 'AOB']);
    });
  }

  test('a concurrent "next" and "end" converge on one state on both copies', () => {
    const origin = seeded();
    const topics = topicsOf(origin);
    nextTopic(origin, topics, null, T0);
    const alice = copyOf(origin, 11);
    const bob = copyOf(origin, 12);
    nextTopic(alice, topics, topics[0]!.id, T0 + MIN);
    endMeeting(bob, T0 + MIN + 10);
    sync(alice, bob);
    expect(runOf(alice)).toEqual(runOf(bob));
    // Both were made from the same state: the earlier one is the move taken.
    expect(runOf(alice)).toMatchObject({ status: 'running', endedAt: null, current: { title: 'Budget' } });
    expect(titles(alice)).toEqual([
      ['Intro', 0, MIN],
      ['Budget', MIN, null],
    ]);
  });

  test('an offline copy that moved further than the others merges as the branch taken; the shorter one is a branch not taken', () => {
    const origin = seeded();
    const topics = topicsOf(origin);
    nextTopic(origin, topics, null, T0);
    const alice = copyOf(origin, 31);
    const bob = copyOf(origin, 32);
    // Alice moves to Budget; Bob, offline, later presses "next" twice, to Budget and then AOB.
    nextTopic(alice, topics, topics[0]!.id, T0 + 5 * MIN);
    nextTopic(bob, topics, topics[0]!.id, T0 + 7 * MIN);
    nextTopic(bob, topics, topics[1]!.id, T0 + 8 * MIN);
    sync(alice, bob);
    // Bob's line went further: it is the one followed, Alice's single move is the branch not taken.
    for (const doc of [alice, bob]) expect(titles(doc)).toEqual([
      ['Intro', 0, 7 * MIN],
      ['Budget', 7 * MIN, 8 * MIN],
      ['AOB', 8 * MIN, null],
    ]);
    // The meeting goes on from there as usual.
    expect(nextTopic(alice, topics, topics[2]!.id, T0 + 9 * MIN)).toEqual({ moved: true, to: null });
    sync(alice, bob);
    expect(runOf(bob)).toMatchObject({ status: 'ended', endedAt: T0 + 9 * MIN });
  });

  test('a "next" that reaches the others late (offline, slow link) does not erase the moves made after it', () => {
    const origin = seeded('# W\n\n## Agenda\n\n1. Intro\n2. Budget\n3. AOB\n4. Wrap-up\n');
    const topics = topicsOf(origin);
    nextTopic(origin, topics, null, T0);
    const alice = copyOf(origin, 31);
    const bob = copyOf(origin, 32);
    // Bob's laptop drops off the network right as he presses "next" at 5 min.
    expect(nextTopic(bob, topics, topics[0]!.id, T0 + 5 * MIN)).toMatchObject({ moved: true });
    // The room goes on without him: next at 6 (Budget), 20 (AOB), 30 (Wrap-up), and the end at 40.
    for (const [i, at] of [6, 20, 30, 40].entries()) expect(nextTopic(alice, topics, topics[i]!.id, T0 + at * MIN)).toMatchObject({ moved: true });
    const expected = [
      ['Intro', 0, 6 * MIN],
      ['Budget', 6 * MIN, 20 * MIN],
      ['AOB', 20 * MIN, 30 * MIN],
      ['Wrap-up', 30 * MIN, 40 * MIN],
    ];
    expect(titles(alice)).toEqual(expected);
    sync(alice, bob);
    for (const doc of [alice, bob]) {
      expect(titles(doc)).toEqual(expected);
      expect(runOf(doc)).toMatchObject({ status: 'ended', endedAt: T0 + 40 * MIN });
    }
  });

  test('a move made after seeing another is later than it, even from a clock that runs behind', () => {
    const origin = seeded();
    const topics = topicsOf(origin);
    nextTopic(origin, topics, null, T0);
    const alice = copyOf(origin, 21);
    nextTopic(alice, topics, topics[0]!.id, T0 + 10 * MIN);
    const bob = copyOf(alice, 22);
    // Bob's corrected clock is a minute behind: his move is still after Alice's.
    nextTopic(bob, topics, topics[1]!.id, T0 + 9 * MIN);
    sync(alice, bob);
    expect(runOf(alice).current).toMatchObject({ title: 'AOB', startedAt: T0 + 10 * MIN + 1 });
  });
});

describe('timers', () => {
  test('the topic against its time box and the meeting against its planned duration, amber then red', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    nextTopic(doc, topics, null, T0);
    const at = (ms: number) => runTimers(runOf(doc), topics, 20, T0 + ms);
    expect(at(3 * MIN).current?.clock).toEqual({ elapsedMs: 3 * MIN, boxMs: 5 * MIN, remainingMs: 2 * MIN, level: 'ok' });
    expect(at(6 * MIN).current?.clock.level).toBe('amber');
    expect(at(6.5 * MIN).current?.clock).toMatchObject({ remainingMs: -1.5 * MIN, level: 'red' });
    expect(at(6.5 * MIN).meeting).toEqual({ elapsedMs: 6.5 * MIN, boxMs: 20 * MIN, remainingMs: 13.5 * MIN, level: 'ok' });
    expect(overrunLevel(24 * MIN, 20 * MIN)).toBe('amber');
    expect(overrunLevel(25 * MIN + 1, 20 * MIN)).toBe('red');
    expect(overrunLevel(94 * MIN, 90 * MIN)).toBe('amber');
    expect(overrunLevel(95 * MIN + 1, 90 * MIN)).toBe('red');
    expect(overrunLevel(500 * MIN, null)).toBe('ok');
  });

  test('a topic visited twice counts both visits; time after "end" does not count', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    startTopic(doc, topics[0]!, T0);
    startTopic(doc, topics[1]!, T0 + 2 * MIN);
    endMeeting(doc, T0 + 4 * MIN);
    startTopic(doc, topics[0]!, T0 + 10 * MIN);
    const timers = runTimers(runOf(doc), topics, 20, T0 + 13 * MIN);
    expect(timers.current).toMatchObject({ index: 0, sinceMs: 3 * MIN, clock: { elapsedMs: 5 * MIN } });
    expect(timers.meeting.elapsedMs).toBe(7 * MIN);
    expect(coveredTopics(runOf(doc), topics, T0 + 13 * MIN).map((c) => [c.title, c.spentMs])).toEqual([
      ['Intro', 5 * MIN],
      ['Budget', 2 * MIN],
    ]);
  });

  test('editing the current topic\'s text (its time box) keeps it current, found by its title', () => {
    const doc = seeded();
    nextTopic(doc, topicsOf(doc), null, T0);
    const agenda = agendaOf(doc);
    const at = agenda.toString().indexOf('5 min');
    agenda.delete(at, 1);
    agenda.insert(at, '8');
    const topics = topicsOf(doc);
    const timers = runTimers(runOf(doc), topics, null, T0 + 6 * MIN);
    expect(timers.current).toMatchObject({ index: 0, topic: { title: 'Intro', minutes: 8 }, clock: { level: 'ok' } });
    expect(nextTopic(doc, topics, runOf(doc).current!.topicId, T0 + 7 * MIN)).toMatchObject({ moved: true, to: { title: 'Budget' } });
  });

  test('the server-clock offset from one round trip', () => {
    expect(clockOffset(1000, 60_500, 1200)).toEqual({ offsetMs: 59_400, roundTripMs: 200 });
    expect(clockOffset(1000, 900, 1000)).toEqual({ offsetMs: -100, roundTripMs: 0 });
  });
});

describe('what anyone with the edit key may write into meta', () => {
  test('values of the wrong shape are ignored, never thrown on', () => {
    const mark = (after: number, clientId: number) => `${META_KEYS.runMarkPrefix}${after}.${clientId}`;
    const meta = new Map<string, unknown>([
      [mark(0, 1), { at: T0, after: 0, topicId: 'a', title: 42 }],
      [mark(0, 2), 'soon'],
      [mark(0, 3), null],
      [mark(0, 4), [1, 2, 3]],
      [mark(0, 5), { at: 'x', after: 0, topicId: 'b', title: 'not a time' }],
      [mark(0, 6), { at: Infinity, after: 0, topicId: 'b', title: 'not a time' }],
      [mark(0, 7), { at: T0 - 1, after: 0, topicId: '', title: 'empty id' }],
      [mark(0, 8), { at: T0 - 1, after: 0, topicId: 'x'.repeat(101), title: 'long id' }],
      // A cycle cannot be written: a mark before the one it follows is ignored.
      [mark(T0, 1), { at: T0 + 5, after: T0, topicId: 'c', title: 'x'.repeat(5000) }],
      [mark(T0 + 5, 1), { at: T0 + 5, after: T0 + 5, topicId: 'a', title: 'loop' }],
      [mark(T0 + 5, 2), { at: T0, after: T0 + 5, topicId: 'a', title: 'back in time' }],
      ...Array.from({ length: 6000 }, (_, i) => [mark(T0 + 100 + i, 9), { at: T0 + 101 + i, after: T0 + 100 + i, topicId: 'd' }] as [string, unknown]),
    ]);
    const run = readRun(meta);
    expect(run.spans[0]).toEqual({ topicId: 'a', title: '', startedAt: T0, endedAt: T0 + 5 });
    expect(run.spans[1]!.title).toHaveLength(200);
    expect(run.spans).toHaveLength(2);
    expect(run.status).toBe('running');
  });
});

describe('hostile marks', () => {
  const key = (name: string): string => `${META_KEYS.runMarkPrefix}${name}`;

  test('a mark at an absurd time is ignored; one far ahead of the server does not freeze the run: the next press removes it and takes effect', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    nextTopic(doc, topics, null, T0);
    // Outside 2000..2100: no reader takes them.
    metaOf(doc).set(key('evil.1'), { at: 8.64e15 - 1, after: T0, topicId: 'zz', title: 'Evil' });
    metaOf(doc).set(key('evil.2'), { at: 5, after: 0, topicId: 'zz', title: 'Evil' });
    expect(titles(doc)).toEqual([['Intro', 0, null]]);
    // A plausible year, but 74 years ahead of the server: followed until someone presses.
    const ahead = Date.UTC(2099, 11, 31, 23, 59, 59, 999);
    metaOf(doc).set(key('evil.3'), { at: ahead, after: T0, topicId: `${topics[0]!.id}z`, title: 'Intro' });
    expect(runOf(doc).current?.topicId).toBe(`${topics[0]!.id}z`);
    expect(nextTopic(doc, topics, runOf(doc).current!.topicId, T0 + MIN)).toMatchObject({ moved: true, to: { title: 'Budget' } });
    expect(titles(doc)).toEqual([
      ['Intro', 0, MIN],
      ['Budget', MIN, null],
    ]);
    expect(metaOf(doc).has(key('evil.3'))).toBe(false);
    expect(startTopic(doc, topics[2]!, T0 + 2 * MIN)).toBe(true);
    expect(runOf(doc).current).toMatchObject({ title: 'AOB', startedAt: T0 + 2 * MIN });
  });

  test('5000 junk marks (siblings or one long line) do not keep a press from taking effect, and the next reads are small again', () => {
    for (const line of [false, true]) {
      const doc = seeded();
      const topics = topicsOf(doc);
      doc.transact(() => {
        for (let i = 0; i < 6000; i++) {
          const at = T0 - 10 * MIN + i + 1;
          metaOf(doc).set(key(`junk${i}`), { at, after: line ? (i === 0 ? 0 : at - 1) : 0, topicId: 'x', title: 'Junk' });
        }
      });
      expect(runOf(doc).current?.title).toBe('Junk');
      expect(runOf(doc).spans.length).toBeLessThanOrEqual(5000);
      expect(startTopic(doc, topics[0]!, T0)).toBe(true);
      expect(runOf(doc).current).toMatchObject({ title: 'Intro', startedAt: T0 });
      expect(nextTopic(doc, topics, topics[0]!.id, T0 + MIN)).toMatchObject({ moved: true, to: { title: 'Budget' } });
      expect(runOf(doc).current).toMatchObject({ title: 'Budget', startedAt: T0 + MIN });
      // The flood is cut down to the run as it was read (at most half the cap of a line of junk).
      expect([...metaOf(doc).keys()].filter(isRunKey).length).toBeLessThanOrEqual(line ? 2502 : 3);
    }
  });

  test('every copy reads the same run whatever order its map lists the marks in, over the cap too', () => {
    const entries = Array.from({ length: 6000 }, (_, i): [string, unknown] => [key(`${i}.7`), { at: T0 + 6000 - i, after: 0, topicId: `t${i}`, title: `T${i}` }]);
    const random = seededRandom(11);
    const shuffled = [...entries].sort(() => random() - 0.5);
    const forward = readRun(new Map(entries));
    expect(readRun(new Map([...entries].reverse()))).toEqual(forward);
    expect(readRun(new Map(shuffled))).toEqual(forward);
    expect(forward.spans).toHaveLength(1);
  });

  test('hostile writes mixed with presses: readers never throw, and after each press the run shows what it did', () => {
    const doc = seeded();
    const topics = topicsOf(doc);
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const junk: unknown[] = [null, 0, -1, 1, 1e300, 8.64e15, 8.64e15 - 1, 1.5, '', 'x', '__proto__', true, [], {}, [1, 2], { at: 5 }, new Uint8Array(3), 'a'.repeat(5000)];
    for (let i = 0; i < 2000; i++) {
      const now = T0 + i * 1000;
      const meta = metaOf(doc);
      const last = runOf(doc).lastMark ?? 0;
      const time = (): unknown => pick([() => pick(junk), () => now + Math.floor(random() * 300 - 100) * MIN, () => Date.UTC(2099, 11, 31, 23, 59, 59, 999), () => last, () => last + 1])();
      const choice = random();
      if (choice < 0.4) meta.set(random() < 0.5 ? key(`${pick([last, 0, 1])}.${Math.floor(random() * 3)}`) : key(String(pick(junk))), { at: time(), after: pick([time, () => last, () => 0])(), topicId: random() < 0.5 ? pick(topics).id : pick(junk), title: pick(junk) });
      else if (choice < 0.5) meta.set(key(String(pick(junk))), pick(junk));
      else if (choice < 0.55) meta.set(key(`${last}.9`), new Y.Map());
      else if (choice < 0.7) {
        const move = nextTopic(doc, topics, runOf(doc).current?.topicId ?? null, now);
        if (move.moved && move.to) expect(runOf(doc).current?.topicId).toBe(move.to.id);
        // An end after the clearing (a run made only of marks from the future) may leave nothing to end.
        if (move.moved && !move.to) expect(runOf(doc).status).not.toBe('running');
      } else if (choice < 0.8) {
        const topic = pick(topics);
        startTopic(doc, topic, now);
        expect(runOf(doc).current?.topicId).toBe(topic.id);
      } else if (choice < 0.85) {
        endMeeting(doc, now);
        expect(runOf(doc).status).not.toBe('running');
      }
      const run = readRun(meta);
      runTimers(run, topics, 30, now);
      coveredTopics(run, topics, now);
    }
  });
});
