/**
 * Browsing history: per meeting, one replay document (gc off) with every piece applied and the
 * Yjs snapshot after each, built on first use, extended as revisions are cut, dropped after
 * VIEW_IDLE_MS unused and bounded to `maxViews` meetings and `viewBytes` together (least recently
 * used goes first). A revision's export is `markdownOfDoc(createDocFromSnapshot(view, snapshot))`:
 * byte for byte what the live export was at the cut; exports are cached within `textBytes`.
 */
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import type { AuthorMap } from '../../shared/author-map.js';
import { DOC_FIELDS } from '../../shared/doc-schema.js';
import { markdownOfDoc } from '../../shared/markdown.js';
import type { Clock, TimerHandle } from '../clock.js';
import { spansBetween } from './change-spans.js';
import { decodePiece, type RevisionRecord } from './revision-records.js';
import { MAX_VIEWS, TEXT_CACHE_BYTES, VIEW_IDLE_MS, VIEWS_BUDGET_BYTES } from './revision-timing.js';
import { TextCache } from './text-cache.js';

/** How much the history views may hold (defaults from revision-timing.ts; tests set small ones). */
export interface ViewLimits {
  maxViews: number;
  /** Bytes of the pieces replayed plus their snapshots, across every view. */
  viewBytes: number;
  /** Exported texts cached, across every view (UTF-16 bytes). */
  textBytes: number;
}

/** One meeting's replay. Dropping it is forgetting it (no listeners, no subdocs): a request using it finishes with it. */
interface View {
  doc: Y.Doc;
  // Encoded (Y.encodeSnapshot): a snapshot's delete set is the whole document's, as objects ten
  // times the size, once per revision.
  snapshots: Map<number, Uint8Array>;
  lastSeq: number;
  /** What it holds, counted as the bytes of the pieces replayed plus the encoded snapshots. */
  bytes: number;
}

// A replay as kept in the map: the idle timer belongs to this object, never to the meeting id, so a
// timer set for a replay that was dropped meanwhile cannot drop the one built after it.
interface Entry {
  meetingId: string;
  ready: Promise<View>;
  view: View | null;
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
  readonly #limits: ViewLimits;
  readonly #texts: TextCache;
  // Insertion order is use order: the first entry is the least recently used.
  readonly #views = new Map<string, Entry>();

  constructor(clock: Clock, load: (meetingId: string) => Promise<RevisionRecord[]>, limits: Partial<ViewLimits> = {}) {
    this.#clock = clock;
    this.#load = load;
    this.#limits = { maxViews: MAX_VIEWS, viewBytes: VIEWS_BUDGET_BYTES, textBytes: TEXT_CACHE_BYTES, ...limits };
    this.#texts = new TextCache(this.#limits.textBytes);
  }

  /** What the views and the text cache hold now (bytes as they are counted against the limits). */
  get held(): { views: number; viewBytes: number; textBytes: number } {
    const viewBytes = [...this.#views.values()].reduce((sum, entry) => sum + (entry.view?.bytes ?? 0), 0);
    return { views: this.#views.size, viewBytes, textBytes: this.#texts.bytes };
  }

  /** The export of revision `seq` (it must exist), or undefined if the replay does not hold it. */
  async exportOf(meetingId: string, seq: number): Promise<string | undefined> {
    const cached = this.#texts.get(meetingId, seq);
    if (cached !== undefined) return cached;
    const view = await this.#viewWith(meetingId, seq);
    if (!view) return undefined;
    const doc = Y.createDocFromSnapshot(view.doc, Y.decodeSnapshot(view.snapshots.get(seq)!));
    const text = markdownOfDoc(doc);
    doc.destroy();
    this.#texts.set(meetingId, seq, text);
    return text;
  }

  /** The spans from revision `from` to `to` (both must exist), with the authors of `authors`. */
  async changes(meetingId: string, from: number, to: number, authors: AuthorMap | null): Promise<SectionChanges | undefined> {
    const view = (await this.#viewWith(meetingId, from)) && (await this.#viewWith(meetingId, to));
    if (!view) return undefined;
    const [a, b] = [Y.decodeSnapshot(view.snapshots.get(from)!), Y.decodeSnapshot(view.snapshots.get(to)!)];
    return {
      agenda: spansBetween(view.doc.getText(DOC_FIELDS.agenda), a, b, authors),
      notes: spansBetween(view.doc.getText(DOC_FIELDS.notes), a, b, authors),
    };
  }

  /** A revision was cut (`thinned` ones removed): a replay of the meeting follows, or is dropped if it cannot. */
  noteCut(meetingId: string, record: RevisionRecord, thinned: readonly number[]): void {
    for (const seq of thinned) this.#texts.delete(meetingId, seq);
    const entry = this.#views.get(meetingId);
    if (!entry) return;
    // Applied after the build (or right away if built): cuts of a meeting arrive in order.
    entry.ready = entry.ready.then((view) => {
      for (const seq of thinned) view.bytes -= view.snapshots.get(seq)?.byteLength ?? 0, view.snapshots.delete(seq);
      if (record.seq === view.lastSeq + 1) apply(view, record);
      else if (record.seq > view.lastSeq) void this.#extend(entry, view).catch(() => this.#drop(entry));
      this.#evict(entry);
      return view;
    });
    entry.ready.catch(() => this.#drop(entry));
  }

  /** Drops a meeting's replay and texts (its meeting was deleted). */
  forget(meetingId: string): void {
    const entry = this.#views.get(meetingId);
    if (entry) this.#drop(entry);
    this.#texts.dropMeeting(meetingId);
  }

  /** Drops every replay, its timer and the texts. */
  async close(): Promise<void> {
    const entries = [...this.#views.values()];
    entries.forEach((entry) => this.#drop(entry));
    this.#texts.clear();
    await Promise.allSettled(entries.map((entry) => entry.ready));
  }

  // The meeting's replay, holding `seq` if any revision stored holds it (extended when another
  // instance cut it), or undefined.
  async #viewWith(meetingId: string, seq: number): Promise<View | undefined> {
    let entry = this.#views.get(meetingId);
    if (!entry) {
      const ready = this.#build(meetingId);
      const built: Entry = (entry = { meetingId, ready, view: null, timer: null });
      ready.then((view) => (built.view = view), () => this.#drop(built));
    }
    this.#views.delete(meetingId);
    this.#views.set(meetingId, entry);
    this.#evict(entry);
    const view = await entry.ready;
    this.#touch(entry);
    if (!view.snapshots.has(seq) && seq > view.lastSeq) await this.#extend(entry, view);
    this.#evict(entry);
    return view.snapshots.has(seq) ? view : undefined;
  }

  async #build(meetingId: string): Promise<View> {
    const view: View = { doc: new Y.Doc({ gc: false }), snapshots: new Map(), lastSeq: 0, bytes: 0 };
    for (const record of await this.#load(meetingId)) apply(view, record);
    return view;
  }

  async #extend(entry: Entry, view: View): Promise<void> {
    for (const record of await this.#load(entry.meetingId)) if (record.seq > view.lastSeq) apply(view, record);
  }

  // Re-arms the idle timer of a replay that is still the meeting's current one.
  #touch(entry: Entry): void {
    if (this.#views.get(entry.meetingId) !== entry) return;
    if (entry.timer) this.#clock.clearTimeout(entry.timer);
    entry.timer = this.#clock.setTimeout(() => {
      entry.timer = null;
      this.#drop(entry);
    }, VIEW_IDLE_MS);
  }

  // Past the number or the bytes allowed, drops the least recently used replays (never `keep`).
  #evict(keep: Entry): void {
    let bytes = this.held.viewBytes;
    for (const entry of [...this.#views.values()]) {
      if (this.#views.size <= this.#limits.maxViews && bytes <= this.#limits.viewBytes) return;
      if (entry === keep) continue;
      bytes -= entry.view?.bytes ?? 0;
      this.#drop(entry);
    }
  }

  // Drops a replay if it is still the meeting's current one (then its texts go too).
  #drop(entry: Entry): void {
    if (entry.timer) this.#clock.clearTimeout(entry.timer);
    entry.timer = null;
    if (this.#views.get(entry.meetingId) !== entry) return;
    this.#views.delete(entry.meetingId);
    this.#texts.dropMeeting(entry.meetingId);
  }
}

// Replays one more revision: its piece, then the snapshot that marks it.
const apply = (view: View, record: RevisionRecord): void => {
  const piece = decodePiece(record.piece);
  Y.applyUpdate(view.doc, piece);
  const snapshot = Y.encodeSnapshot(Y.snapshot(view.doc));
  view.snapshots.set(record.seq, snapshot);
  view.lastSeq = record.seq;
  view.bytes += piece.byteLength + snapshot.byteLength;
};
