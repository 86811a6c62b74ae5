/**
 * Browsing history: per meeting, one replay document (gc off) with every piece applied and the
 * Yjs snapshot after each, built on first use, extended as revisions are cut, dropped after
 * VIEW_IDLE_MS unused and bounded to MAX_VIEWS meetings (least recently used goes first). A
 * revision's export is `markdownOfDoc(createDocFromSnapshot(view, snapshot))`: byte for byte what
 * the live export was at the cut.
 */
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import type { AuthorMap } from '../../shared/author-map.js';
import { DOC_FIELDS } from '../../shared/doc-schema.js';
import { markdownOfDoc } from '../../shared/markdown.js';
import type { Clock, TimerHandle } from '../clock.js';
import { spansBetween } from './change-spans.js';
import { decodePiece, type RevisionRecord } from './revision-records.js';
import { MAX_VIEWS, VIEW_IDLE_MS } from './revision-timing.js';

/** One meeting's replay. */
interface View {
  doc: Y.Doc;
  snapshots: Map<number, Y.Snapshot>;
  lastSeq: number;
  texts: Map<number, string>;
  timer: TimerHandle | null;
}

/** The changes of both sections. */
export interface SectionChanges {
  agenda: ChangeSpan[];
  notes: ChangeSpan[];
}

/** The replay caches of the meetings being browsed. */
export class HistoryViews {
  readonly #clock: Clock;
  readonly #load: (meetingId: string) => Promise<RevisionRecord[]>;
  // Insertion order is use order: the first entry is the least recently used.
  readonly #views = new Map<string, Promise<View>>();

  constructor(clock: Clock, load: (meetingId: string) => Promise<RevisionRecord[]>) {
    this.#clock = clock;
    this.#load = load;
  }

  /** The export of revision `seq` (it must exist), or undefined if the replay does not hold it. */
  async exportOf(meetingId: string, seq: number): Promise<string | undefined> {
    const view = await this.#viewWith(meetingId, seq);
    if (!view) return undefined;
    let text = view.texts.get(seq);
    if (text === undefined) {
      const doc = Y.createDocFromSnapshot(view.doc, view.snapshots.get(seq)!);
      text = markdownOfDoc(doc);
      doc.destroy();
      view.texts.set(seq, text);
    }
    return text;
  }

  /** The spans from revision `from` to `to` (both must exist), with the authors of `authors`. */
  async changes(meetingId: string, from: number, to: number, authors: AuthorMap | null): Promise<SectionChanges | undefined> {
    const view = (await this.#viewWith(meetingId, from)) && (await this.#viewWith(meetingId, to));
    if (!view) return undefined;
    const [a, b] = [view.snapshots.get(from)!, view.snapshots.get(to)!];
    return {
      agenda: spansBetween(view.doc.getText(DOC_FIELDS.agenda), a, b, authors),
      notes: spansBetween(view.doc.getText(DOC_FIELDS.notes), a, b, authors),
    };
  }

  /** A revision was cut (`thinned` ones removed): a replay of the meeting follows, or is dropped if it cannot. */
  noteCut(meetingId: string, record: RevisionRecord, thinned: readonly number[]): void {
    const pending = this.#views.get(meetingId);
    if (!pending) return;
    // Applied after the build (or right away if built): cuts of a meeting arrive in order.
    this.#views.set(
      meetingId,
      pending.then((view) => {
        for (const seq of thinned) view.snapshots.delete(seq), view.texts.delete(seq);
        if (record.seq === view.lastSeq + 1) apply(view, record);
        else if (record.seq > view.lastSeq) void this.#extend(meetingId, view);
        return view;
      }),
    );
  }

  /** Drops a meeting's replay (its meeting was deleted). */
  forget(meetingId: string): void {
    const pending = this.#views.get(meetingId);
    this.#views.delete(meetingId);
    void pending?.then((view) => this.#free(view), () => undefined);
  }

  /** Drops every replay and its timer. */
  async close(): Promise<void> {
    const views = [...this.#views.values()];
    this.#views.clear();
    for (const view of await Promise.allSettled(views)) if (view.status === 'fulfilled') this.#free(view.value);
  }

  // The meeting's replay, holding `seq` if any revision stored holds it (extended when another
  // instance cut it), or undefined.
  async #viewWith(meetingId: string, seq: number): Promise<View | undefined> {
    let pending = this.#views.get(meetingId);
    if (!pending) {
      pending = this.#build(meetingId);
      pending.catch(() => this.#views.get(meetingId) === pending && this.#views.delete(meetingId));
    }
    this.#views.delete(meetingId);
    this.#views.set(meetingId, pending);
    this.#evictBeyondLimit();
    const view = await pending;
    this.#touch(meetingId, view);
    if (!view.snapshots.has(seq) && seq > view.lastSeq) await this.#extend(meetingId, view);
    return view.snapshots.has(seq) ? view : undefined;
  }

  async #build(meetingId: string): Promise<View> {
    const view: View = { doc: new Y.Doc({ gc: false }), snapshots: new Map(), lastSeq: 0, texts: new Map(), timer: null };
    for (const record of await this.#load(meetingId)) apply(view, record);
    return view;
  }

  async #extend(meetingId: string, view: View): Promise<void> {
    for (const record of await this.#load(meetingId)) if (record.seq > view.lastSeq) apply(view, record);
  }

  #touch(meetingId: string, view: View): void {
    if (view.timer) this.#clock.clearTimeout(view.timer);
    view.timer = this.#clock.setTimeout(() => {
      view.timer = null;
      this.forget(meetingId);
    }, VIEW_IDLE_MS);
  }

  #evictBeyondLimit(): void {
    while (this.#views.size > MAX_VIEWS) this.forget(this.#views.keys().next().value!);
  }

  #free(view: View): void {
    if (view.timer) this.#clock.clearTimeout(view.timer);
    view.timer = null;
    view.doc.destroy();
  }
}

// Replays one more revision: its piece, then the snapshot that marks it.
const apply = (view: View, record: RevisionRecord): void => {
  Y.applyUpdate(view.doc, decodePiece(record.piece));
  view.snapshots.set(record.seq, Y.snapshot(view.doc));
  view.lastSeq = record.seq;
};
