/**
 * What the history view shows and fetches: the revision list, the selected revision, its export or
 * its changes against another revision. Cached revisions show at once; others are fetched (after a
 * debounce while the slider is dragged), their neighbours prefetched, far requests aborted.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { listRevisions, type HistoryScope, type MeetingChanges, type Revision } from '../lib/history-api.js';
import { HistoryCache } from '../lib/history-cache.js';
import { historyErrorText, isAbort } from '../lib/history-errors.js';
import { SerialRuns } from '../lib/serial-runs.js';

/** The two ways of looking at a revision. */
export type HistoryTab = 'text' | 'changes';

/** The history state of one open view. */
export class HistoryController implements ReactiveController {
  revisions: Revision[] | null = null;
  listError = '';
  selectedId: number | null = null;
  tab: HistoryTab = 'text';
  compareWith: number | 'previous' = 'previous';
  shown: { rev: number; text: string } | null = null;
  shownChanges: { from: number; to: number; changes: MeetingChanges } | null = null;
  contentError = '';
  /** The selection moves to a new newest revision when it was on the newest. */
  follow = true;

  private cache: HistoryCache | null = null;
  private debounce = 0;
  private listing: AbortController | null = null;
  /** A refresh asked for while one is in flight runs again after it (a naming's answer must show). */
  private readonly listings = new SerialRuns(() => this.fetchList());

  constructor(private readonly host: ReactiveControllerHost, private readonly scope: () => HistoryScope) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** The revisions oldest first, as the slider orders them. */
  get chronological(): Revision[] {
    return [...(this.revisions ?? [])].reverse();
  }

  /** Stops fetching; what was seen stays cached for the next opening. */
  stop(): void {
    window.clearTimeout(this.debounce);
    this.listings.drop();
    this.listing?.abort();
    this.cache?.keepOnly([]);
  }

  /** Refetches the list; selects the newest when following it or when the selection is gone. */
  refresh(): Promise<void> {
    this.cache ??= new HistoryCache(this.scope());
    return this.listings.run();
  }

  private async fetchList(): Promise<void> {
    const listing = (this.listing = new AbortController());
    try {
      const list = await listRevisions(this.scope(), listing.signal);
      this.listError = '';
      this.revisions = list;
      const known = list.some((r) => r.id === this.selectedId);
      if (this.compareWith !== 'previous' && !list.some((r) => r.id === this.compareWith)) this.compareWith = 'previous';
      if (list.length === 0) this.selectedId = null;
      else if (this.follow || !known) this.select(list[0].id, 0);
    } catch (error) {
      if (!isAbort(error)) this.listError = historyErrorText(error, 'load the history');
    } finally {
      this.listing = null;
      this.host.requestUpdate();
    }
  }

  /** Shows revision `id`: at once when seen before, else after `delay` ms (0 for now). */
  select(id: number, delay: number): void {
    const cache = this.cache;
    if (!cache) return;
    this.selectedId = id;
    this.follow = id === this.revisions?.[0]?.id;
    this.contentError = '';
    window.clearTimeout(this.debounce);
    // Requests for revisions far from the one shown are of no use any more.
    const near = [id, ...this.neighbours(id)];
    cache.keepOnly(this.tab === 'text' ? near : [], this.tab === 'changes' ? near.map((n) => this.pair(n)).filter((p) => p !== null) : []);
    this.host.requestUpdate();
    if (this.showCached(id)) return;
    if (delay) this.debounce = window.setTimeout(() => void this.load(id), delay);
    else void this.load(id);
  }

  /** Switches between the text and the changes of the selected revision. */
  setTab(tab: HistoryTab): void {
    this.tab = tab;
    if (this.selectedId !== null) this.select(this.selectedId, 0);
  }

  /** Compares with another revision, or with the previous one. */
  setCompare(compareWith: number | 'previous'): void {
    this.compareWith = compareWith;
    if (this.selectedId !== null) this.select(this.selectedId, 0);
  }

  /** The pair [from, to] the changes tab shows, or null for the first revision against "previous". */
  pair(id = this.selectedId): [number, number] | null {
    if (id === null) return null;
    if (this.compareWith !== 'previous') return [this.compareWith, id];
    const chron = this.chronological;
    const index = chron.findIndex((r) => r.id === id);
    return index > 0 ? [chron[index - 1].id, id] : null;
  }

  private neighbours(id: number): number[] {
    const chron = this.chronological;
    const index = chron.findIndex((r) => r.id === id);
    return [chron[index - 1]?.id, chron[index + 1]?.id].filter((n): n is number => n !== undefined);
  }

  private showCached(id: number): boolean {
    const cache = this.cache!;
    if (this.tab === 'text') {
      const text = cache.peekExport(id);
      if (text === undefined) return false;
      this.shown = { rev: id, text };
    } else {
      const pair = this.pair(id);
      if (!pair) return true;
      const changes = cache.peekChanges(...pair);
      if (!changes) return false;
      this.shownChanges = { from: pair[0], to: pair[1], changes };
    }
    this.prefetch(id);
    return true;
  }

  private async load(id: number): Promise<void> {
    const cache = this.cache!;
    const tab = this.tab;
    const pair = this.pair(id);
    try {
      if (tab === 'text') {
        const text = await cache.exportOf(id);
        if (this.selectedId === id && this.tab === tab) this.shown = { rev: id, text };
      } else if (pair) {
        const changes = await cache.changesOf(...pair);
        if (this.selectedId === id && this.tab === tab) this.shownChanges = { from: pair[0], to: pair[1], changes };
      }
      if (this.selectedId === id) this.prefetch(id);
    } catch (error) {
      if (!isAbort(error) && this.selectedId === id) this.contentError = historyErrorText(error, 'show this revision');
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Fetches the neighbours of `id` in the background, so the next slider step is instant. */
  private prefetch(id: number): void {
    const cache = this.cache!;
    for (const n of this.neighbours(id)) {
      if (this.tab === 'text') void cache.exportOf(n).catch(() => undefined);
      const pair = this.tab === 'changes' ? this.pair(n) : null;
      if (pair) void cache.changesOf(...pair).catch(() => undefined);
    }
  }
}
