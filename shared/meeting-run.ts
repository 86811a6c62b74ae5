/**
 * Running a meeting (GUIDE 1.8): which agenda topic is being discussed, since when, and the log of
 * topic start and end times, kept in the document's `meta` map so late joiners, reloads and
 * offline copies see it. Pure: no I/O, no clock of its own (callers pass the server's time).
 *
 * The log is a tree of marks, one `meta` key each: `run.mark.<after>.<client>` =
 * `{ at, after, topicId, title }`, a topic starting at `at` (or, with `topicId` null, the meeting
 * ending), written by the Yjs client `client` right after the mark at `after` (0 for the first).
 * A mark is always later than the one it follows, so the order is the order of the moves,
 * whatever the writers' clocks say. Marks made from the same state are siblings; at each step the
 * run follows the sibling whose line went furthest (the most marks after it, on its longest line),
 * and between equals the earliest (then the lowest topic id, an end last, then the key). So two
 * people pressing "next from X" at once add two siblings with nothing after them and the meeting
 * moves by exactly one topic; a press that reaches the others late (an offline or slow copy) is a
 * branch not taken once the room has moved on past it; and a copy that moved further on its own
 * is the branch taken when it comes back.
 *
 * What anyone with the edit key may write (GUIDE 7): a mark is read only if its `at` is a time of
 * the years 2000 to 2099 (and `after` 0 or such a time, before `at`); of two marks with the same
 * `at` only the first in the order above counts (each time is one step of the tree); past
 * MAX_MARKS valid marks, readers take the first MAX_MARKS by key, the same on every copy whatever
 * order its map lists them in. A writer (startTopic, nextTopic, endMeeting) first clears what
 * would keep its mark from being read as the current state: marks more than an hour ahead of its
 * server time go (nothing written at the server's time can be there; a bound on the gap after the
 * parent would refuse a meeting resumed days later), and past the cap everything but the run as
 * read goes, a run itself that long keeping its latest half. Its mark then hangs after the last one
 * of the run, at a time no other mark is at or after: nothing else is after it, so it is what
 * everyone reads as current.
 */
import type * as Y from 'yjs';
import { MAX_TITLE_LENGTH, META_KEYS, metaOf } from './doc-schema.js';
import { topicKey } from './meeting-parser.js';

/** What the run needs of a topic: a parsed agenda topic (`ParsedTopic`) fits. */
export interface RunTopicRef {
  id: string;
  title: string;
}

/** One stretch of time spent on one topic; `endedAt` null while it is the current one. */
export interface RunSpan {
  topicId: string;
  title: string;
  startedAt: number;
  endedAt: number | null;
}

/** The running state read out of `meta`. Times are the server's, in ms since the epoch. */
export interface MeetingRun {
  status: 'not-started' | 'running' | 'ended';
  /** Every span, in time order; only the last one may be open. */
  spans: RunSpan[];
  /** The open span (status 'running'), else null. */
  current: RunSpan | null;
  /** When the first topic started, else null. */
  startedAt: number | null;
  /** When the meeting was ended (status 'ended'), else null. */
  endedAt: number | null;
  /** The latest mark (a new one is written after it), else null. */
  lastMark: number | null;
}

/** What `meta` must offer: a `Y.Map` does, and so does a `Map` in tests. */
export interface MetaSource {
  get(key: string): unknown;
  keys(): IterableIterator<string>;
}

/** How far past its time box a timer is: 'amber' once over, 'red' once well over. */
export type OverrunLevel = 'ok' | 'amber' | 'red';

/** The result of a move: `to` is the topic now current, or null when the move ended the meeting. */
export type RunMove<T extends RunTopicRef = RunTopicRef> = { moved: false } | { moved: true; to: T | null };

// Marks read at most: a real meeting has a few dozen; meta is anyone's with the edit key to write.
const MAX_MARKS = 5000;
const MAX_ID_LENGTH = 100;
// A plausible time: within the years 2000..2099 (an `at` near the largest Date would leave no room after it).
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
// A writer removes marks further ahead of its server time than this (clients correct their clock to
// within a round trip; an hour leaves room for a stale correction without letting the future in).
const MAX_AHEAD_MS = 60 * 60_000;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= EARLIEST && value < LATEST;
const clampTitle = (title: string): string => Array.from(title.trim()).slice(0, MAX_TITLE_LENGTH).join('');

/** True for the `meta` keys the run uses (to filter `Y.Map` observer events). */
export const isRunKey = (key: string): boolean => key.startsWith(META_KEYS.runMarkPrefix);

interface Mark {
  at: number;
  after: number;
  /** null: the meeting ended. */
  topicId: string | null;
  title: string;
  key: string;
}

const markOf = (key: string, value: unknown): Mark | null => {
  if (typeof value !== 'object' || value === null) return null;
  const { at, after, topicId, title } = value as { at?: unknown; after?: unknown; topicId?: unknown; title?: unknown };
  // `after < at` keeps the tree acyclic whatever was written.
  if (!isTime(at) || !(after === 0 || isTime(after)) || after >= at) return null;
  if (topicId === null) return { at, after, topicId: null, title: '', key };
  if (typeof topicId !== 'string' || !topicId || topicId.length > MAX_ID_LENGTH) return null;
  return { at, after, topicId, title: typeof title === 'string' ? clampTitle(title) : '', key };
};

// Same order on every copy: earliest first, then the lowest topic id (an end last), then the key.
const rank = (m: Mark): string => (m.topicId === null ? '\uffff' : m.topicId);
const earlier = (a: Mark, b: Mark): boolean => a.at < b.at || (a.at === b.at && (rank(a) < rank(b) || (rank(a) === rank(b) && a.key < b.key)));
const byKey = (a: Mark, b: Mark): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Every valid mark in `meta`, in no particular order. */
const allMarks = (meta: MetaSource): Mark[] => {
  const marks: Mark[] = [];
  for (const key of meta.keys()) {
    if (!isRunKey(key)) continue;
    const mark = markOf(key, meta.get(key));
    if (mark) marks.push(mark);
  }
  return marks;
};

/** The marks readers take: all of them, or past the cap the first MAX_MARKS by key (not by map order). */
const readableMarks = (meta: MetaSource): Mark[] => {
  const marks = allMarks(meta);
  return marks.length <= MAX_MARKS ? marks : marks.sort(byKey).slice(0, MAX_MARKS);
};

/** The marks of the run, in order: from the first, at each step the sibling whose line goes furthest. */
const chainOf = (marks: readonly Mark[]): Mark[] => {
  // One mark per time: a time is one step of the tree, and what follows it follows that mark.
  const byTime = new Map<number, Mark>();
  for (const mark of marks) {
    const other = byTime.get(mark.at);
    if (!other || earlier(mark, other)) byTime.set(mark.at, mark);
  }
  // The longest line of marks after each time; latest first, so what follows a mark is done before it.
  const steps = [...byTime.values()].sort((a, b) => b.at - a.at);
  const depth = new Map<number, number>();
  for (const mark of steps) depth.set(mark.after, Math.max(depth.get(mark.after) ?? 0, 1 + (depth.get(mark.at) ?? 0)));
  const reach = (mark: Mark): number => depth.get(mark.at) ?? 0;
  const next = new Map<number, Mark>();
  for (const mark of steps) {
    const sibling = next.get(mark.after);
    if (!sibling || reach(mark) > reach(sibling) || (reach(mark) === reach(sibling) && earlier(mark, sibling))) next.set(mark.after, mark);
  }
  const chain: Mark[] = [];
  for (let mark = next.get(0); mark; mark = next.get(mark.at)) chain.push(mark);
  return chain;
};

/** The marks of the run as readers see it. */
const marksOf = (meta: MetaSource): Mark[] => chainOf(readableMarks(meta));

/** Reads the running state out of a meeting's `meta` map. */
export const readRun = (meta: MetaSource): MeetingRun => {
  const spans: RunSpan[] = [];
  let open = null as RunSpan | null;
  let endedAt: number | null = null;
  let lastMark: number | null = null;
  for (const mark of marksOf(meta)) {
    lastMark = mark.at;
    if (mark.topicId === null) {
      if (!open) continue;
      open.endedAt = mark.at;
      open = null;
      endedAt = mark.at;
    } else if (open?.topicId !== mark.topicId) {
      if (open) open.endedAt = mark.at;
      open = { topicId: mark.topicId, title: mark.title, startedAt: mark.at, endedAt: null };
      spans.push(open);
      endedAt = null;
    }
  }
  const status = open ? 'running' : endedAt !== null ? 'ended' : 'not-started';
  return { status, spans, current: open, startedAt: spans[0]?.startedAt ?? null, endedAt, lastMark };
};

/** The run of a meeting document. */
export const runOf = (doc: Y.Doc): MeetingRun => readRun(metaOf(doc));

/** Whether a span is about `topic`: the same id, or (its text was edited since) the same title. */
export const isSpanOf = (span: RunSpan, topic: RunTopicRef): boolean => span.topicId === topic.id || (span.title !== '' && topicKey(span.title) === topicKey(topic.title));

/**
 * A lookup from spans to their topic's index in `topics` (-1: no longer in the agenda), by id,
 * else by title. Built once per read: a log can hold thousands of spans.
 */
export const topicLocator = (topics: readonly RunTopicRef[]): ((span: RunSpan) => number) => {
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  topics.forEach((t, i) => {
    if (!byId.has(t.id)) byId.set(t.id, i);
    const key = topicKey(t.title);
    if (!byKey.has(key)) byKey.set(key, i);
  });
  const byTitle = new Map<string, number>();
  return (span) => {
    const index = byId.get(span.topicId);
    if (index !== undefined) return index;
    if (span.title === '') return -1;
    let found = byTitle.get(span.title);
    if (found === undefined) byTitle.set(span.title, (found = byKey.get(topicKey(span.title)) ?? -1));
    return found;
  };
};

/** The index in `topics` of the topic a span is about, or -1 (it is no longer in the agenda). */
export const topicIndexOf = (topics: readonly RunTopicRef[], span: RunSpan): number => topicLocator(topics)(span);

// Before a mark is written: what would keep it from being read as the current state goes (header).
const clearWay = (meta: Y.Map<unknown>, serverNow: number, clientId: number): void => {
  const kept: Mark[] = [];
  for (const mark of allMarks(meta)) {
    if (mark.at > serverNow + MAX_AHEAD_MS) meta.delete(mark.key);
    else kept.push(mark);
  }
  if (kept.length < MAX_MARKS) return;
  const capped = kept.length <= MAX_MARKS ? kept : kept.sort(byKey).slice(0, MAX_MARKS);
  const chain = chainOf(capped).slice(-MAX_MARKS / 2);
  const keep = new Set(chain.map((m) => m.key));
  for (const key of [...meta.keys()]) if (isRunKey(key) && !keep.has(key)) meta.delete(key);
  const first = chain[0];
  if (first && first.after !== 0) {
    // The line was cut: its first kept mark becomes the first of the run.
    const root = `${META_KEYS.runMarkPrefix}0.${clientId}`;
    meta.delete(first.key);
    meta.set(keep.has(root) ? `${root}.${first.at}` : root, { at: first.at, after: 0, topicId: first.topicId, title: first.title });
  }
};

// One mark after the last one of the run, at the server's time (never before that last mark, nor
// at a time another mark is at or after), under a key of its own.
const writeMark = (doc: Y.Doc, topic: RunTopicRef | null, serverNow: number, origin: unknown): void => {
  doc.transact(() => {
    const meta = metaOf(doc);
    clearWay(meta, serverNow, doc.clientID);
    const after = readRun(meta).lastMark ?? 0;
    // No mark may already be at its time, nor wait after it (written ahead, for that time).
    const taken = new Set(allMarks(meta).flatMap((m) => [m.at, m.after]));
    let at = Math.max(Math.round(serverNow), after + 1);
    while (taken.has(at)) at++;
    meta.set(`${META_KEYS.runMarkPrefix}${after}.${doc.clientID}`, { at, after, topicId: topic?.id ?? null, title: topic ? clampTitle(topic.title) : '' });
  }, origin);
};

/** Makes `topic` the current one (starting the meeting if needed); false if it already is. */
export const startTopic = (doc: Y.Doc, topic: RunTopicRef, serverNow: number, origin?: unknown): boolean => {
  const run = runOf(doc);
  if (run.current && run.current.topicId === topic.id) return false;
  writeMark(doc, topic, serverNow, origin);
  return true;
};

/**
 * "Next", said as "from topic `fromTopicId` to the one after it" (`fromTopicId` null: start the
 * meeting at its first topic). Does nothing if the current topic is no longer `fromTopicId`
 * (someone else moved first). After the last topic, "next" ends the meeting. A current topic no
 * longer in the agenda moves to the first topic not discussed yet.
 */
export const nextTopic = <T extends RunTopicRef>(doc: Y.Doc, topics: readonly T[], fromTopicId: string | null, serverNow: number, origin?: unknown): RunMove<T> => {
  const run = runOf(doc);
  if ((run.current?.topicId ?? null) !== fromTopicId || (run.status === 'ended' && fromTopicId === null)) return { moved: false };
  let to: T | null;
  if (run.current === null) to = topics[0] ?? null;
  else {
    const locate = topicLocator(topics);
    const index = locate(run.current);
    const discussed = new Set(run.spans.map(locate));
    to = index !== -1 ? (topics[index + 1] ?? null) : (topics.find((_, i) => !discussed.has(i)) ?? null);
  }
  if (to === null) {
    if (run.current === null) return { moved: false };
    endMeeting(doc, serverNow, origin);
    return { moved: true, to: null };
  }
  writeMark(doc, to, serverNow, origin);
  return { moved: true, to };
};

/** Ends the meeting (closes the current topic); false if it is not running. */
export const endMeeting = (doc: Y.Doc, serverNow: number, origin?: unknown): boolean => {
  const run = runOf(doc);
  if (run.status !== 'running') return false;
  writeMark(doc, null, serverNow, origin);
  return true;
};

/** A span's length; an open one counts up to `serverNow`. */
export const spanMs = (span: RunSpan, serverNow: number): number => Math.max(0, (span.endedAt ?? serverNow) - span.startedAt);

/**
 * Amber as soon as `elapsedMs` passes the box, red once it passes it by a quarter of the box or
 * five minutes, whichever comes first. No box: always 'ok'.
 */
export const overrunLevel = (elapsedMs: number, boxMs: number | null): OverrunLevel => {
  if (boxMs === null || elapsedMs <= boxMs) return 'ok';
  return elapsedMs > boxMs + Math.min(boxMs / 4, 5 * 60_000) ? 'red' : 'amber';
};

/** One timer: time spent against a budget. */
export interface RunClock {
  elapsedMs: number;
  /** The budget (time box or planned duration), or null. */
  boxMs: number | null;
  /** `boxMs - elapsedMs` (negative when over), or null without a box. */
  remainingMs: number | null;
  level: OverrunLevel;
}

const clockOf = (elapsedMs: number, minutes: number | null): RunClock => {
  const boxMs = minutes === null ? null : Math.round(minutes * 60_000);
  return { elapsedMs, boxMs, remainingMs: boxMs === null ? null : boxMs - elapsedMs, level: overrunLevel(elapsedMs, boxMs) };
};

/** What the page shows: the current topic's timer and the meeting's. */
export interface RunTimers<T extends RunTopicRef> {
  status: MeetingRun['status'];
  /** The current topic (null when not running); `topic` null if it is no longer in the agenda. */
  current: { span: RunSpan; index: number; topic: T | null; clock: RunClock; sinceMs: number } | null;
  /** The whole meeting: time spent on topics (pauses after "end" excluded) against the planned duration. */
  meeting: RunClock;
}

/** Time spent on `topics[index]` over all its spans. */
const spentOn = (run: MeetingRun, locate: (span: RunSpan) => number, index: number, serverNow: number): number =>
  run.spans.reduce((sum, s) => (locate(s) === index ? sum + spanMs(s, serverNow) : sum), 0);

/**
 * The timers at `serverNow`: the current topic's total time (earlier visits included) against its
 * time box (`minutes`), and the meeting's against `plannedMinutes`.
 */
export const runTimers = <T extends RunTopicRef & { minutes: number | null }>(run: MeetingRun, topics: readonly T[], plannedMinutes: number | null, serverNow: number): RunTimers<T> => {
  const meeting = clockOf(run.spans.reduce((sum, s) => sum + spanMs(s, serverNow), 0), plannedMinutes);
  if (!run.current) return { status: run.status, current: null, meeting };
  const locate = topicLocator(topics);
  const index = locate(run.current);
  const topic = index === -1 ? null : topics[index]!;
  const elapsed = topic ? spentOn(run, locate, index, serverNow) : spanMs(run.current, serverNow);
  return { status: run.status, current: { span: run.current, index, topic, clock: clockOf(elapsed, topic?.minutes ?? null), sinceMs: spanMs(run.current, serverNow) }, meeting };
};

/** A discussed topic: the agenda topic (null if it left the agenda) and the total time spent. */
export interface CoveredTopic<T extends RunTopicRef> {
  topicId: string;
  title: string;
  topic: T | null;
  spentMs: number;
}

/** The topics discussed, in the order they were first started, with the time spent on each. */
export const coveredTopics = <T extends RunTopicRef>(run: MeetingRun, topics: readonly T[], serverNow: number): CoveredTopic<T>[] => {
  const covered = new Map<string, CoveredTopic<T>>();
  const locate = topicLocator(topics);
  for (const span of run.spans) {
    const index = locate(span);
    const topic = index === -1 ? null : topics[index]!;
    const key = topic ? `#${index}` : span.topicId;
    const entry = covered.get(key) ?? { topicId: topic?.id ?? span.topicId, title: topic?.title ?? span.title, topic, spentMs: 0 };
    entry.spentMs += spanMs(span, serverNow);
    covered.set(key, entry);
  }
  return [...covered.values()];
};

/**
 * The client's clock offset from one `GET /api/time` round trip: `sentAt` and `receivedAt` are the
 * client's `Date.now()` around the request, `serverNow` the answer. Server time is then
 * `Date.now() + offsetMs`; keep the sample with the smallest `roundTripMs` (it bounds the error).
 */
export const clockOffset = (sentAt: number, serverNow: number, receivedAt: number): { offsetMs: number; roundTripMs: number } => ({
  offsetMs: Math.round(serverNow - (sentAt + receivedAt) / 2),
  roundTripMs: Math.max(0, receivedAt - sentAt),
});
