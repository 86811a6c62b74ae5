/**
 * What the history view has seen, in memory: revision exports and changes pairs, each fetched once
 * (concurrent asks share one request), least recently used dropped past a bound, and requests
 * nobody wants any more aborted (scrubbing past a revision cancels its download).
 */
import { revisionChanges, revisionExport, type HistoryScope, type MeetingChanges } from './history-api.js';

/** Entries kept per kind: a 200-revision history fits, a huge one stays bounded. */
const LIMIT = 500;

interface Pending<T> {
  promise: Promise<T>;
  controller: AbortController;
}

/** One kind of cached answer, keyed by a string. */
class Store<T> {
  private readonly done = new Map<string, T>();
  private readonly pending = new Map<string, Pending<T>>();

  constructor(private readonly fetcher: (key: string, signal: AbortSignal) => Promise<T>) {}

  peek(key: string): T | undefined {
    const value = this.done.get(key);
    if (value !== undefined) {
      // Most recently used goes last, so the bound drops the oldest seen.
      this.done.delete(key);
      this.done.set(key, value);
    }
    return value;
  }

  load(key: string): Promise<T> {
    const value = this.peek(key);
    if (value !== undefined) return Promise.resolve(value);
    const running = this.pending.get(key);
    if (running) return running.promise;
    const controller = new AbortController();
    const promise = this.fetcher(key, controller.signal).then(
      (result) => {
        this.pending.delete(key);
        this.done.set(key, result);
        if (this.done.size > LIMIT) this.done.delete(this.done.keys().next().value!);
        return result;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    // A prefetch nobody awaits must not report an unhandled rejection.
    promise.catch(() => undefined);
    this.pending.set(key, { promise, controller });
    return promise;
  }

  abortExcept(wanted: Set<string>): void {
    for (const [key, running] of this.pending) if (!wanted.has(key)) running.controller.abort();
  }

  clear(): void {
    this.abortExcept(new Set());
    this.done.clear();
  }
}

const pairKey = (from: number, to: number): string => `${from}:${to}`;

/** The cache of one meeting's history, for one key. */
export class HistoryCache {
  private readonly exports: Store<string>;
  private readonly changes: Store<MeetingChanges>;

  constructor(scope: HistoryScope) {
    this.exports = new Store((key, signal) => revisionExport(scope, Number(key), signal));
    this.changes = new Store((key, signal) => {
      const [from, to] = key.split(':').map(Number);
      return revisionChanges(scope, from, to, signal);
    });
  }

  /** The export of `rev` if it was fetched already. */
  peekExport(rev: number): string | undefined {
    return this.exports.peek(String(rev));
  }

  /** The export of `rev`, fetched once. */
  exportOf(rev: number): Promise<string> {
    return this.exports.load(String(rev));
  }

  /** The changes from `from` to `to` if they were fetched already. */
  peekChanges(from: number, to: number): MeetingChanges | undefined {
    return this.changes.peek(pairKey(from, to));
  }

  /** The changes from `from` to `to`, fetched once. */
  changesOf(from: number, to: number): Promise<MeetingChanges> {
    return this.changes.load(pairKey(from, to));
  }

  /** Aborts every running request except those for these revisions and pairs. */
  keepOnly(revs: number[], pairs: Array<[number, number]> = []): void {
    this.exports.abortExcept(new Set(revs.map(String)));
    this.changes.abortExcept(new Set(pairs.map(([from, to]) => pairKey(from, to))));
  }

  /** Aborts everything and forgets what was seen. */
  clear(): void {
    this.exports.clear();
    this.changes.clear();
  }
}
