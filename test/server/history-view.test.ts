/**
 * The history views (server/history/history-view.ts) on their own: what they keep in memory is
 * bounded (texts and replays, by bytes across every meeting), and an idle timer only ever drops
 * the replay it was set for.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { markdownOfDoc } from '../../shared/markdown.js';
import { HistoryViews, type ViewLimits } from '../../server/history/history-view.js';
import { cutPiece } from '../../server/history/revision-piece.js';
import { encodePiece, type RevisionRecord } from '../../server/history/revision-records.js';
import { VIEW_IDLE_MS } from '../../server/history/revision-timing.js';
import { textCost } from '../../server/history/text-cache.js';
import { ManualClock } from '../helpers/manual-clock.js';

// A meeting of `revisions` revisions, each adding `line` to the notes; and each revision's export.
const meeting = (revisions: number, line: string): { records: RevisionRecord[]; exports: string[] } => {
  const live = new Y.Doc();
  let head = Y.emptySnapshot;
  const records: RevisionRecord[] = [];
  const exports: string[] = [];
  for (let seq = 1; seq <= revisions; seq++) {
    notesOf(live).insert(notesOf(live).length, line);
    const cut = cutPiece(live, head);
    head = cut.snapshot;
    records.push({ seq, at: seq, name: null, kind: 'auto', restoredFrom: null, authors: [], piece: encodePiece(cut.piece) });
    exports.push(markdownOfDoc(live));
  }
  live.destroy();
  return { records, exports };
};

// Views over fixed meetings, counting how often each is loaded; `hold` makes loads wait for `release`.
const views = (meetings: Record<string, RevisionRecord[]>, limits: Partial<ViewLimits> = {}) => {
  const clock = new ManualClock();
  const loads = new Map<string, number>();
  const held: Array<(error?: Error) => void> = [];
  let hold = false;
  const load = async (id: string): Promise<RevisionRecord[]> => {
    loads.set(id, (loads.get(id) ?? 0) + 1);
    if (hold) await new Promise<void>((resolve, reject) => held.push((error) => (error ? reject(error) : resolve())));
    return meetings[id] ?? [];
  };
  return {
    clock,
    history: new HistoryViews(clock, load, limits),
    loads: (id: string) => loads.get(id) ?? 0,
    hold: (on: boolean) => (hold = on),
    release: (error?: Error) => held.splice(0).forEach((settle) => settle(error)),
  };
};

describe('history views', () => {
  it('keep the exported texts within their byte budget across every meeting, least recently used first', async () => {
    const line = 'x'.repeat(2_000) + '\n';
    const a = meeting(20, line);
    const b = meeting(20, line);
    const budget = 3 * textCost(a.exports[19]!);
    const { history, loads } = views({ a: a.records, b: b.records }, { textBytes: budget });
    for (let seq = 1; seq <= 20; seq++) {
      expect(await history.exportOf('a', seq)).toBe(a.exports[seq - 1]);
      expect(await history.exportOf('b', seq)).toBe(b.exports[seq - 1]);
      expect(history.held.textBytes).toBeLessThanOrEqual(budget);
    }
    expect(history.held.textBytes).toBeGreaterThan(0);
    // The most recent texts are served from the cache; older ones are exported again, still exact.
    expect(await history.exportOf('b', 20)).toBe(b.exports[19]);
    expect(await history.exportOf('a', 1)).toBe(a.exports[0]);
    expect([loads('a'), loads('b')]).toEqual([1, 1]);
    await history.close();
  });

  it('keep the replays within their byte budget: the least recently used go, the one in use stays', async () => {
    const line = 'y'.repeat(500) + '\n';
    const a = meeting(30, line);
    const b = meeting(30, line);
    const c = meeting(30, line);
    // Room for about one replay and a half: two never fit together.
    const budget = 30 * 700;
    const { history, loads } = views({ a: a.records, b: b.records, c: c.records }, { viewBytes: budget, textBytes: 0 });
    expect(await history.exportOf('a', 30)).toBe(a.exports[29]);
    expect(history.held.views).toBe(1);
    expect(history.held.viewBytes).toBeGreaterThan(budget / 2);
    expect(await history.exportOf('b', 3)).toBe(b.exports[2]);
    expect(await history.exportOf('c', 7)).toBe(c.exports[6]);
    expect(history.held.views).toBe(1);
    expect(history.held.viewBytes).toBeLessThanOrEqual(budget);
    // A replay alone past the budget is kept while it is the one in use.
    const small = views({ a: a.records }, { viewBytes: 1 });
    expect(await small.history.exportOf('a', 2)).toBe(a.exports[1]);
    expect(await small.history.exportOf('a', 5)).toBe(a.exports[4]);
    expect(small.loads('a')).toBe(1);
    expect(loads('a')).toBe(1);
    await Promise.all([history.close(), small.history.close()]);
  });

  it("drop a replay only by its own idle timer, not by a timer set for one evicted while a request waited", async () => {
    const m = meeting(3, 'm\n');
    const others = Object.fromEntries(['n1', 'n2', 'n3', 'n4'].map((id) => [id, meeting(1, `${id}\n`).records]));
    const { clock, history, loads, hold, release } = views({ m: m.records, ...others }, { textBytes: 0 });
    // A request for m waits for its replay while four other meetings' requests evict it.
    hold(true);
    const waiting = history.exportOf('m', 1);
    hold(false);
    for (const id of Object.keys(others)) await history.exportOf(id, 1);
    release();
    expect(await waiting).toBe(m.exports[0]);
    // Half an idle period later, m is browsed again: a new replay, with its own timer.
    await clock.advance(VIEW_IDLE_MS / 2);
    expect(await history.exportOf('m', 2)).toBe(m.exports[1]);
    expect(loads('m')).toBe(2);
    // When the evicted replay's idle period would have ended, the new one is still there.
    await clock.advance(VIEW_IDLE_MS / 2 + 1);
    expect(await history.exportOf('m', 3)).toBe(m.exports[2]);
    expect(loads('m')).toBe(2);
    // Its own idle period does end it.
    await clock.advance(VIEW_IDLE_MS);
    expect(await history.exportOf('m', 1)).toBe(m.exports[0]);
    expect(loads('m')).toBe(3);
    await history.close();
  });

  it('do not keep a replay whose build failed, also when a revision was cut while it was being built', async () => {
    const m = meeting(3, 'm\n');
    const { history, loads, hold, release } = views({ m: m.records.slice(0, 2) });
    hold(true);
    const failing = history.exportOf('m', 1);
    hold(false);
    history.noteCut('m', m.records[2]!, []);
    release(new Error('storage unavailable'));
    await expect(failing).rejects.toThrow('storage unavailable');
    // The next request builds the replay again (storage is back).
    expect(await history.exportOf('m', 2)).toBe(m.exports[1]);
    expect(loads('m')).toBe(2);
    await history.close();
  });
});
