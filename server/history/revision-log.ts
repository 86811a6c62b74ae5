/**
 * A meeting's chain of revisions in storage. A cut reads the head, takes the piece from a document
 * that equals what is durable, and writes the revision, its piece, the new head and any thinning in
 * ONE atomic batch. Cuts of one meeting run one at a time here; right before the batch the head is
 * read again: if another instance moved it (or wrote the revision's key), the cut starts over.
 */
import type * as Y from 'yjs';
import type { AuthorMap } from '../../shared/author-map.js';
import type { Clock } from '../clock.js';
import { Errors } from '../errors.js';
import { KeyedLock } from '../series/keyed-lock.js';
import type { MeetingStore, RecordWrite } from '../storage/meeting-store.js';
import { cutPiece, EMPTY_PIECE, insertedNames, type Cut } from './revision-piece.js';
import { encodeHeadSnapshot, encodePiece, headSnapshotOf, metaOf, REVISION_HEADS, REVISION_PIECES, revisionKey, revisionPrefix, REVISIONS } from './revision-records.js';
import type { RevisionHead, RevisionKind, RevisionMeta, RevisionRecord, StoredPiece } from './revision-records.js';
import { MAX_KEPT_REVISIONS } from './revision-timing.js';
import { thinningWrites, unionNames } from './thinning.js';

/** What a cut is asked for. */
export interface CutRequest {
  kind: RevisionKind;
  name?: string | undefined;
  restoredFrom?: number | undefined;
}

/** Where a cut takes its document from (a loaded room, or storage). */
export interface CutSource {
  /** The document, once it equals what is durable; the cut reads it in the same turn. */
  open(): Promise<Y.Doc>;
  /** Called in the turn the piece is taken: the names that sent edits since the last cut (then forgotten). */
  take(): string[];
  /** The cut was not written after `take` (failure, deletion, a retry): the names and the dirt come back. */
  giveBack(names: string[]): void;
  /** Whether the meeting is still stored (read just before the batch); by default it is. */
  exists?(): Promise<boolean>;
  /** Whether the meeting may be written (not being deleted): checked in the turn the batch is submitted. */
  usable(): boolean;
  /** Called once the cut is over (a document read from storage is freed). */
  close?(): void;
}

/** What a cut did: the revision it wrote or found, and the thinned revisions. */
export interface CutResult {
  record: RevisionRecord;
  /** False when nothing changed and the previous revision is returned as it was. */
  written: boolean;
  thinned: number[];
}

// A cut whose head another instance moved is taken again this many times before giving up.
const CUT_ATTEMPTS = 5;
const RETRY = Symbol('retry');

/** The revisions of every meeting. */
export class RevisionLog {
  readonly #store: MeetingStore;
  readonly #clock: Clock;
  readonly #authorship: (meetingId: string) => Promise<AuthorMap>;
  readonly #metas;
  readonly #pieces;
  readonly #heads;
  readonly #lock = new KeyedLock();

  constructor(store: MeetingStore, clock: Clock, authorship: (meetingId: string) => Promise<AuthorMap>) {
    this.#store = store;
    this.#clock = clock;
    this.#authorship = authorship;
    this.#metas = store.collection<RevisionMeta>(REVISIONS);
    this.#pieces = store.collection<StoredPiece>(REVISION_PIECES);
    this.#heads = store.collection<RevisionHead>(REVISION_HEADS);
  }

  /** Every revision of a meeting without its piece, oldest first (reads only the small records). */
  async list(meetingId: string): Promise<RevisionMeta[]> {
    return (await this.#metas.list(revisionPrefix(meetingId))).map(({ value }) => value);
  }

  /** Every revision of a meeting with its piece, oldest first (for replays). */
  async records(meetingId: string): Promise<RevisionRecord[]> {
    const [metas, pieces] = await Promise.all([this.#metas.list(revisionPrefix(meetingId)), this.#pieces.list(revisionPrefix(meetingId))]);
    const pieceOf = new Map(pieces.map(({ key, value }) => [key, value.piece]));
    return metas.map(({ key, value }) => ({ ...value, piece: pieceOf.get(key) ?? encodePiece(EMPTY_PIECE) }));
  }

  /** One revision (without its piece), or undefined. */
  get(meetingId: string, seq: number): Promise<RevisionMeta | undefined> {
    return this.#metas.get(revisionKey(meetingId, seq));
  }

  /**
   * Cuts a revision from `source`. `written` (called before the cut's lock is released) sees
   * what was written, in cut order. Resolves with undefined when the meeting was gone. Throws
   * TooManyRevisions when a named revision would pass MAX_KEPT_REVISIONS (restores never do: they are thinned).
   */
  cut(meetingId: string, request: CutRequest, source: CutSource, written?: (result: CutResult) => void): Promise<CutResult | undefined> {
    return this.#lock.run(meetingId, async () => {
      try {
        for (let attempt = 1; ; attempt++) {
          const result = await this.#cut(meetingId, request, source);
          if (result === RETRY) {
            if (attempt < CUT_ATTEMPTS) continue;
            throw new Errors.StorageUnavailable('another instance keeps writing the history of this meeting');
          }
          if (result?.written) written?.(result);
          return result;
        }
      } finally {
        source.close?.();
      }
    });
  }

  async #cut(meetingId: string, request: CutRequest, source: CutSource): Promise<CutResult | undefined | typeof RETRY> {
    const head = await this.#heads.get(meetingId);
    const doc = await source.open();
    // From here to `take`, one turn: the piece, the snapshot and the names belong together.
    const cut = cutPiece(doc, headSnapshotOf(head));
    const at = this.#clock.now();
    const senders = source.take();
    try {
      const result = await this.#write(meetingId, request, source, { head, cut, at, senders });
      if (result === RETRY || result === undefined) source.giveBack(senders);
      return result;
    } catch (error) {
      source.giveBack(senders);
      throw error;
    }
  }

  async #write(
    meetingId: string,
    request: CutRequest,
    source: CutSource,
    { head, cut, at, senders }: { head: RevisionHead | undefined; cut: Cut; at: number; senders: string[] },
  ): Promise<CutResult | undefined | typeof RETRY> {
    const last = head ? await this.get(meetingId, head.lastSeq) : undefined;
    const unchanged = cut.empty || cut.behind;
    // Nothing new (or this document is behind the head another instance wrote): the last revision.
    // Names of an empty cut are dropped (nothing of theirs is missing); a document behind retries later.
    if (last && unchanged && (request.kind === 'auto' || cut.behind)) return this.#kept(source, cut.behind ? senders : [], last);
    // Naming an unchanged state again with the last revision's name: that revision, as it is.
    if (last && cut.empty && request.kind === 'named' && last.kind === 'named' && last.name === (request.name ?? null)) return this.#kept(source, [], last);
    const all = await this.list(meetingId);
    // Named revisions are never thinned: their number is bounded instead.
    if (request.kind === 'named' && all.filter((each) => each.kind === 'named').length >= MAX_KEPT_REVISIONS) throw new Errors.TooManyRevisions(String(MAX_KEPT_REVISIONS));
    const writes: RecordWrite[] = [];
    let record: RevisionRecord;
    let thinned: number[] = [];
    if (last && cut.empty && request.kind === 'named' && last.kind === 'auto') {
      // Naming an unchanged state names the revision that already holds it (its piece stays).
      record = { ...last, kind: 'named', name: request.name ?? null, piece: '' };
      writes.push({ collection: REVISIONS, key: revisionKey(meetingId, record.seq), value: metaOf(record) });
    } else {
      const authors = unionNames(senders, cut.empty ? [] : insertedNames(await this.#authorship(meetingId), cut.inserted));
      const seq = (head?.lastSeq ?? 0) + 1;
      record = {
        seq,
        at,
        name: request.kind === 'named' ? (request.name ?? null) : null,
        kind: request.kind,
        restoredFrom: request.kind === 'restore' ? (request.restoredFrom ?? null) : null,
        authors,
        piece: encodePiece(cut.empty ? EMPTY_PIECE : cut.piece),
      };
      writes.push({ collection: REVISION_HEADS, key: meetingId, value: { lastSeq: seq, snapshot: encodeHeadSnapshot(cut.snapshot) } satisfies RevisionHead });
      const thinning = await thinningWrites(meetingId, [...all.filter((each) => each.seq < seq), record], record, at, (key) => this.#pieces.get(key));
      record = thinning.record;
      thinned = thinning.thinned;
      writes.push(...thinning.writes);
      const key = revisionKey(meetingId, seq);
      writes.unshift({ collection: REVISIONS, key, value: metaOf(record) }, { collection: REVISION_PIECES, key, value: { piece: record.piece } satisfies StoredPiece });
    }
    // Another instance may have cut since the head was read (its writes land first): never overwrite its revision.
    await this.#store.settled();
    const [current, taken, exists] = await Promise.all([
      this.#heads.get(meetingId),
      record.seq > (head?.lastSeq ?? 0) ? this.get(meetingId, record.seq) : undefined,
      source.exists?.() ?? true,
    ]);
    if (!exists) return undefined;
    if ((current?.lastSeq ?? 0) !== (head?.lastSeq ?? 0) || current?.snapshot !== head?.snapshot || taken) return RETRY;
    // Checked and submitted in one turn: a deletion that starts later is ordered after this batch.
    if (!source.usable()) return undefined;
    await this.#store.writeRecords(writes);
    return { record, written: true, thinned };
  }

  #kept(source: CutSource, senders: string[], last: RevisionMeta): CutResult {
    if (senders.length) source.giveBack(senders);
    return { record: { ...last, piece: '' }, written: false, thinned: [] };
  }
}

