/**
 * One loaded meeting: its Y.Doc, its awareness and its peers. A checked update is applied to the
 * document, handed to the room's DocumentWriter, and fanned out only once the writer reports it
 * durable (durable before visible); sync answers wait for the same point. An update that is already
 * durable elsewhere (another instance wrote it) comes in through `applyDurable`: it is fanned out
 * at once and never appended again.
 *
 * A meeting stored as one update (a compacted snapshot, the usual case after an unload or a
 * restart) is served from that encoding until something needs the document: sync answers, state
 * vectors and update checks read the stored bytes, and the Y.Doc is built (as it always was, by
 * replaying storage) on the first update that changes anything, or the first reader of `doc`.
 * Replaying is most of a restarted meeting's first join, and a built document is most of an idle
 * meeting's memory.
 */
import type { FastifyBaseLogger } from 'fastify';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { uint32 } from 'lib0/random';
import { CLOSE } from '../../shared/protocol.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import { MeetingDeletedError, type OpenedDocument, type RecordWrite, type StoredDocument } from '../storage/meeting-store.js';
import { rebuildDoc, storedAsOneUpdate } from '../storage/stored-document.js';
import { systemClock, type Clock } from '../clock.js';
import { DepartedMeta } from './awareness-meta.js';
import { DocumentWriter, type CompactedState, type PersistenceSettings } from './document-writer.js';
import { addsContent, checkUpdate, dependencyMet, encodeDeletesOnly, holdsAllContent, isNoOp, repeatsOnly, stateWithinSnapshot, type DecodedUpdate, type Dependency, type KnownState, type StoredState, type UpdateCheck } from './update-check.js';
import { readSummary, summarize } from './stored-summary.js';
import { scanStoredState } from './update-scan.js';
import { awarenessFrame, updateFrame } from './wire.js';

/** What a room needs of a connection: the structural interface lets rooms be tested without sockets. */
export interface Peer {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Set on the stand-in owner of another instance's clients' awareness states (server/bus/). */
  readonly remoteInstance?: string;
}

/**
 * The fan-out seam: where a room's durable updates go besides its own peers. A bus between
 * instances plugs in here; on one instance nothing else needs them.
 */
export interface RoomFanout {
  /** `update` of meeting `meetingId` is durable at log sequence `seq`. */
  published(meetingId: string, update: Uint8Array, seq: number): void;
  /** Meeting `meetingId` was deleted here (its sockets on other instances must close). */
  deleted?(meetingId: string): void;
}

/** A subscriber to the transactions of a room's document (authorship). */
export type TransactionListener = (transaction: Y.Transaction) => void;

/** A subscriber to a room's durable entries (authorship, history...). */
export type DurableEntryListener = (update: Uint8Array, seq: number, sender: Peer | undefined) => void;

/** Callbacks a room reports through (the registry listens). */
export interface RoomEvents {
  /** The room stopped accepting edits; `error` is why. */
  onFailure(room: Room, error: unknown): void;
  /** One of the room's writes is durable. */
  onDurable(room: Room): void;
}

/**
 * The longest a presence change (a cursor moved, someone joined or left) waits for an edit to
 * travel with: short enough not to be seen, long enough that most cursor moves in a room where
 * someone types share that edit's writes. A real timer, not the room's clock: no behaviour hangs
 * on it, and tests that move the clock by hand still see presence arrive.
 */
const AWARENESS_WINDOW_MS = 100;

/** The origin of the stored state a room loads with. */
const SERVER_ORIGIN = Symbol('server');
/** The origin of updates already durable elsewhere: fanned out, never appended. */
const DURABLE_ORIGIN = Symbol('durable');
/** The origin of the server's own edits (a restore): written like a peer's update, then sent to every peer. */
const EDIT_ORIGIN = Symbol('edit');

/** True for the transaction origin of `room.edit` (no peer sent it: features must not attribute it to one). */
export const isServerEdit = (origin: unknown): boolean => origin === EDIT_ORIGIN;

/** The display name an awareness state shows (trimmed), or null. */
const nameIn = (state: unknown): string | null => {
  const name = (state as { user?: { name?: unknown } } | undefined)?.user?.name;
  return typeof name === 'string' && name.trim() ? name.trim() : null;
};

/** One meeting held in memory. */
export class Room {
  readonly id: string;
  /** The meeting's record as last written; the registry keeps its title and updatedAt current. */
  record: MeetingRecord;
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<Peer>();
  /** Which peer introduced each awareness client id: only that peer may change or remove it. */
  readonly awarenessOwners = new Map<number, Peer>();
  // The names each peer last showed, for its edits credited after it cleared its presence or left
  // (`senderNamesOf`); weak, as peers come and go.
  readonly #lastNames = new WeakMap<Peer, string[]>();
  /** Sequence number of the last log entry the room loaded with (a bus tracks the entries after it). */
  readonly loadedSeq: number;
  #state: 'open' | 'failed' | 'closed' = 'open';
  #deleted = false;
  // Empty until built: the awareness object is tied to it from the start (y-protocols takes a doc).
  readonly #doc = new Y.Doc();
  #built = false;
  // Until the document is built: what storage holds (to build it from), its clocks and deletions,
  // the encoded state vector, the answer to a peer that has all its content, and whether a peer
  // that lacked content was answered from the stored bytes. #fullState is the stored update itself.
  #stored: StoredDocument | null = null;
  #storedState: StoredState | null = null;
  #stateVector: Uint8Array | null = null;
  #deletesOnly: Uint8Array | null = null;
  #diffedStored = false;
  // The full state for newcomers, dropped at each change of the document.
  #fullState: Uint8Array | null = null;
  readonly #transactionListeners = new Set<TransactionListener>();
  #pendingAwareness = new Set<number>();
  // The window's timer, or 'waiting' once the flush waits for the writes before it.
  #awarenessFlush: NodeJS.Timeout | 'waiting' | null = null;
  readonly #changeListeners = new Set<() => void>();
  readonly #entryListeners = new Set<DurableEntryListener>();
  readonly #emptyListeners = new Set<() => void>();
  readonly #appendWrites: Array<() => readonly RecordWrite[]> = [];
  #changeScheduled = false;
  readonly #writer: DocumentWriter<Peer | undefined>;
  readonly #events: RoomEvents;
  readonly #fanout: RoomFanout | undefined;
  readonly #log: FastifyBaseLogger;
  readonly #departedMeta: DepartedMeta;

  constructor(record: MeetingRecord, opened: OpenedDocument, settings: PersistenceSettings, events: RoomEvents, log: FastifyBaseLogger, fanout?: RoomFanout, clock: Clock = systemClock) {
    this.id = record.id;
    this.record = record;
    this.#events = events;
    this.#fanout = fanout;
    this.#log = log;
    this.loadedSeq = opened.log.head;
    // Stored as one update: that is already the full state, and its clocks and deletions are read
    // by scanning it (update-scan.ts: it throws exactly where Yjs's complete decode would, so an
    // encoding that does not decode to its last byte fails the load here, as a replay would; it
    // leaves a subdocument to Yjs, answering undefined, and the document is then built now), or,
    // for a snapshot this server compacted, from the summary written with it (stored-summary.ts:
    // its hash says the bytes are those Yjs encoded then, and none is written for a document with
    // a subdocument or anything pending). Several parts would have to be merged, which costs as
    // much as replaying them (measured: Y.mergeUpdates of a 260k-edit snapshot and two entries is
    // slower than building the document): built now.
    const one = storedAsOneUpdate(opened.stored);
    const summarized = one && one === opened.stored.snapshot && opened.stored.summary ? readSummary(opened.stored.summary, one) : undefined;
    const storedState = one && (summarized ?? scanStoredState(one));
    if (one && storedState) {
      this.#stored = { snapshot: opened.stored.snapshot, updates: opened.stored.updates };
      this.#fullState = one;
      this.#storedState = storedState;
      this.#stateVector = Y.encodeStateVector(storedState.clocks as Map<number, number>);
    } else {
      this.#build(opened.stored);
      // A stored update that is the whole state is what late joiners get, without re-encoding.
      this.#fullState = one ?? null;
    }
    this.#writer = new DocumentWriter<Peer | undefined>(opened.log, opened.stored, settings, () => (this.#built ? this.#snapshot() : null), {
      durable: (update, seq, sender) => this.#fanOut(update, seq, sender),
      failed: (error) => this.#fail(error),
      alsoWrite: () => this.#takeAppendWrites(),
    });
    this.awareness = new awarenessProtocol.Awareness(this.#doc);
    this.awareness.setLocalState(null);
    this.#departedMeta = new DepartedMeta(this.awareness, this.awarenessOwners, clock);
    this.awareness.on('update', this.#onAwarenessChange);
  }

  /**
   * The meeting's document, built from storage on first use. Whoever changes it or reads its
   * content takes it from here; sync and update checks go through the room's own methods, which
   * answer from the stored encoding while there is no document.
   */
  get doc(): Y.Doc {
    if (!this.#built) this.#buildLazily();
    return this.#doc;
  }

  /**
   * `read` on the document's content. While the room has no document, on a temporary one built
   * from the stored update and destroyed after: a reader (an export, a webhook's facts) does not
   * make the room build and keep one. `read` must not keep the document it is given. A stored
   * update that does not replay throws here as it would building the room's document, but leaves
   * the room as it is (its first change fails it).
   */
  readContent<T>(read: (doc: Y.Doc) => T): T {
    if (this.#built) return read(this.#doc);
    const doc = rebuildDoc(this.#stored!);
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  // The document's full state for a compaction, and, for a store that keeps one, the summary that
  // spares the next load its scan (a store asks while compact() runs, before the document can change).
  #snapshot(): CompactedState {
    const doc = this.#doc;
    const update = Y.encodeStateAsUpdate(doc);
    return { update, summarize: () => summarize(doc, update) };
  }

  /** Whether the document is built (a room loaded from one stored update has none until it is needed). */
  get hasDoc(): boolean {
    return this.#built;
  }

  /** The state vector of what the room holds (sync step 1). */
  stateVector(): Uint8Array {
    return this.#built ? Y.encodeStateVector(this.#doc) : this.#stateVector!;
  }

  /** Checks an update against what the room holds (update-check.ts). */
  checkUpdate(update: Uint8Array): UpdateCheck {
    return checkUpdate(update, this.#known());
  }

  /** True when a checked update carries content the room does not hold yet. */
  addsContent(decoded: DecodedUpdate): boolean {
    return addsContent(decoded, this.#known());
  }

  /** True when the room holds what a missing dependency asked for. */
  dependencyMet(needs: Dependency): boolean {
    return dependencyMet(this.#known(), needs);
  }

  /** True when applying a checked update would change nothing (content and deletions all known). */
  isNoOp(decoded: DecodedUpdate): boolean {
    return isNoOp(decoded, this.#known());
  }

  /**
   * Calls `listener` after each transaction on the document from the time it is built (at once if
   * it is built already; the replay of storage that builds it is not one of them); returns the
   * unsubscribe. Subscribing does not build the document.
   */
  onTransaction(listener: TransactionListener): () => void {
    this.#transactionListeners.add(listener);
    if (this.#built) this.#doc.on('afterTransaction', listener);
    return () => {
      this.#transactionListeners.delete(listener);
      this.#doc.off('afterTransaction', listener);
    };
  }

  /**
   * While the room has no document: true when `snapshot` holds every item and deletion it stored
   * (history's check at load needs no document then). False once the document is built.
   */
  storedWithin(snapshot: Y.Snapshot): boolean {
    return !this.#built && stateWithinSnapshot(this.#storedState!, snapshot);
  }

  /** False once storage failed or the room was closed: it takes no more edits. */
  get accepting(): boolean {
    return this.#state === 'open';
  }

  /** True once storage failed (or an update could not be applied): what it holds may not be on disk. */
  get failed(): boolean {
    return this.#state === 'failed';
  }

  /** True once the meeting is known to be deleted (here or on another instance): nothing may write it again. */
  get deleted(): boolean {
    return this.#deleted;
  }

  /** Marks the meeting deleted (its sockets are about to close with 4404). */
  markDeleted(): void {
    this.#deleted = true;
  }

  /** Stored size of the meeting (snapshot plus log). */
  get storedBytes(): number {
    return this.#writer.storedBytes;
  }

  /** Whether an update of this many bytes still fits the document limit. */
  fits(updateBytes: number): boolean {
    return this.#writer.fits(updateBytes);
  }

  /** Applies a checked update from a peer (building the document first if the update changes anything). */
  apply(update: Uint8Array, origin: Peer): void {
    // A sync step 2 that repeats what the room holds (a newcomer's, a reconnecting client's with
    // its delete set) leaves a lazy room lazy.
    if (!this.#built && repeatsOnly(update, this.#storedState!)) return;
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      // The checks should make this impossible; if Yjs throws anyway, part of the update may be in
      // memory. Fail the room before its pending entry is written: nothing of it is stored or sent,
      // and the next connection reloads the meeting from disk.
      this.#writer.abandon();
      this.#fail(error, CLOSE.internal, 'applying a checked update failed; the meeting is reloaded from disk');
      throw error;
    }
  }

  /**
   * Runs `work` (a peer's socket read) inside one transaction of `origin`'s when the document is
   * built and the room takes edits; otherwise just runs it. Updates applied meanwhile integrate
   * one by one, so each is checked against what the ones before it added, and the transaction
   * ends as one document update: one log entry, one fan-out frame.
   */
  inOneTransaction<T>(work: () => T, origin: Peer): T {
    if (!this.#built || this.#state !== 'open' || this.#doc._transaction !== null) return work();
    let result!: T;
    try {
      this.#doc.transact(() => void (result = work()), origin);
    } catch (error) {
      // Yjs ends a transaction with its observers and listeners: one that throws must fail the
      // room (as a throwing apply does), not escape into ws. Nothing of the read is written.
      this.#writer.abandon();
      this.#fail(error, CLOSE.internal, 'ending a transaction failed; the meeting is reloaded from disk');
    }
    return result;
  }

  /**
   * Runs `change` on the document in one transaction of the server's own (a restore), through the
   * same path as a peer's update: appended, durable, then sent to every peer. It runs under a client
   * id that nothing in the document uses yet, so its items can never collide with an attendee's.
   * Throws if the room takes no edits.
   */
  edit(change: (doc: Y.Doc) => void): void {
    if (this.#state !== 'open') throw new Error(`meeting ${this.id} takes no edits`);
    const doc = this.doc;
    do doc.clientID = uint32();
    while (doc.store.clients.has(doc.clientID));
    doc.transact(() => change(doc), EDIT_ORIGIN);
  }

  /**
   * Applies an update that is already durable in the store (written by another instance; `snapshot`:
   * the snapshot its compaction wrote), counted towards the document limit. A stored update Yjs
   * cannot apply fails the room (the next load reads storage again) and is rethrown.
   */
  applyDurable(update: Uint8Array, kind: 'update' | 'snapshot' = 'update'): void {
    if (this.#state !== 'open') return;
    try {
      Y.applyUpdate(this.doc, update, DURABLE_ORIGIN);
    } catch (error) {
      this.#fail(error, CLOSE.internal, 'applying an update stored by another instance failed; the meeting is reloaded from storage');
      throw error;
    }
    this.#writer.noteStored(update.byteLength, kind === 'snapshot');
  }

  /** The update a peer with this state vector lacks; the full state is cached for newcomers. */
  encodeDiff(stateVector: Uint8Array | null): Uint8Array {
    if (stateVector === null || stateVector.byteLength <= 1) {
      // Without a document the full state is the stored update (never null then).
      this.#fullState ??= Y.encodeStateAsUpdate(this.#doc);
      return this.#fullState;
    }
    if (this.#built) return Y.encodeStateAsUpdate(this.#doc, stateVector);
    // A reconnecting peer usually has all the content: it gets the deletions, encoded once.
    if (holdsAllContent(Y.decodeStateVector(stateVector), this.#storedState!)) return (this.#deletesOnly ??= encodeDeletesOnly(this.#storedState!.deletes));
    // A diff over the whole stored update costs about a third of building the document, each
    // time: the first peer that lacks content gets one, the next ones the built document's.
    if (this.#diffedStored) return Y.encodeStateAsUpdate(this.doc, stateVector);
    this.#diffedStored = true;
    return Y.diffUpdate(this.#fullState!, stateVector);
  }

  /** Runs `fn` once everything applied so far is on disk (not at all if storage failed). */
  afterDurable(fn: () => void): void {
    // Inside a read's transaction what was applied reaches the writer when the transaction ends:
    // wait for that (the end of the read, before any microtask) before asking the writer.
    if (this.#built && this.#doc._transaction !== null) {
      queueMicrotask(() => this.afterDurable(fn));
      return;
    }
    this.#writer
      .settled()
      .then(() => {
        if (this.#state !== 'failed') fn();
      })
      .catch((error: unknown) => this.#log.warn({ err: error, meetingId: this.id }, 'a callback after a durable write failed'));
  }

  /** Resolves once no write is pending or in flight (the document is exactly what is on disk). */
  quiet(): Promise<void> {
    return this.#writer.quiet();
  }

  /**
   * Calls `listener` for each entry this room wrote once it is durable, with the peer that sent it
   * (undefined when it merges several peers' updates); returns the unsubscribe. Updates applied
   * through `applyDurable` were written elsewhere and are not reported.
   */
  onDurableEntry(listener: DurableEntryListener): () => void {
    this.#entryListeners.add(listener);
    return () => this.#entryListeners.delete(listener);
  }

  /** Calls `listener` each time the room's last peer leaves (history cuts a revision then); returns the unsubscribe. */
  onLastPeerLeft(listener: () => void): () => void {
    this.#emptyListeners.add(listener);
    return () => this.#emptyListeners.delete(listener);
  }

  /** Removes a peer (its lease ended); when it was the last one, tells the `onLastPeerLeft` listeners. */
  removePeer(peer: Peer): void {
    if (this.peers.delete(peer) && this.peers.size === 0) for (const listener of [...this.#emptyListeners]) listener();
  }

  /** The display names of the awareness states `peer` owns in this room (an attendee's identity). */
  namesOf(peer: Peer): string[] {
    const names: string[] = [];
    for (const [clientId, owner] of this.awarenessOwners) {
      const name = owner === peer ? nameIn(this.awareness.getStates().get(clientId)) : null;
      if (name !== null) names.push(name);
    }
    return names;
  }

  /**
   * Stores the writes `provide` gives (called once, when the next log entry is submitted) in the
   * same atomic batch as that entry: a feature's "changed since" marker then survives any crash
   * that the edit survives, at the cost of one record per arming, nothing per keystroke.
   */
  beforeNextAppend(provide: () => readonly RecordWrite[]): void {
    this.#appendWrites.push(provide);
  }

  #takeAppendWrites(): readonly RecordWrite[] | undefined {
    if (this.#appendWrites.length === 0) return undefined;
    const providers = this.#appendWrites.splice(0);
    return providers.flatMap((provide) => provide());
  }

  /** Calls `listener` (in a microtask) after each change of the document; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** The number of the room's latest awareness departure (a connection notes it when it joins). */
  get departures(): number {
    return this.#departedMeta.sequence;
  }

  /** The number of `clientId`'s latest departure, or undefined if it is not a recent departure. */
  departureOf(clientId: number): number | undefined {
    return this.#departedMeta.departureOf(clientId);
  }

  /** `peer` left: the awareness states it owns go at once (no ghost cursors). */
  leave(peer: Peer, clients: Iterable<number>): void {
    const all = [...clients];
    for (const id of all) if (this.awarenessOwners.get(id) === peer) this.awarenessOwners.delete(id);
    const ids = all.filter((id) => this.awareness.states.has(id));
    if (ids.length) awarenessProtocol.removeAwarenessStates(this.awareness, ids, 'leave');
    // Ids whose state was already null leave too: their entries are forgotten after a while.
    this.#departedMeta.departed(all);
  }

  /**
   * The names to credit `sender`'s edits to: the names it shows now, or the last ones it showed.
   * Its last edits may be durable only after it left (a closed tab), and a stock client clears its
   * presence just before it closes (y-websocket's disconnect), in the same read as a last keystroke.
   */
  senderNamesOf(sender: Peer): string[] {
    const names = this.namesOf(sender);
    return names.length ? names : (this.#lastNames.get(sender) ?? []);
  }

  /** Closes every peer with a code. */
  closePeers(code: number, reason: string): void {
    for (const peer of [...this.peers]) peer.close(code, reason);
  }

  /**
   * Stops the room: no more edits; waits for every write and compaction in flight (compacting once
   * more if asked and storage is healthy), releases the log, then frees the document.
   */
  async close({ compact }: { compact: boolean }): Promise<void> {
    const healthy = this.#state === 'open';
    if (healthy) this.#state = 'closed';
    await this.#writer.close({ compact: compact && healthy });
  }

  /** Frees the document and awareness (after `close`, and after the last reader of the document). */
  destroy(): void {
    if (this.#state === 'open') this.#state = 'closed';
    this.#doc.off('update', this.#onDocUpdate);
    if (this.#awarenessFlush && this.#awarenessFlush !== 'waiting') clearTimeout(this.#awarenessFlush);
    this.#departedMeta.stop();
    this.awareness.destroy();
    this.#doc.destroy();
    // A lazy room keeps its stored update: a reader that still holds the room may build from it.
    if (this.#built) this.#fullState = null;
    this.#transactionListeners.clear();
    this.#changeListeners.clear();
    this.#entryListeners.clear();
    this.#emptyListeners.clear();
    this.#appendWrites.length = 0;
  }

  /** Folds the update log into the snapshot; resolves when done. */
  compact(): Promise<void> {
    return this.#writer.compact();
  }

  #known(): KnownState {
    return this.#built ? this.#doc : this.#storedState!;
  }

  // Replays storage into the document (not seen by the room's listeners), then attaches them.
  #build(stored: StoredDocument): void {
    this.#built = true;
    rebuildDoc(stored, this.#doc, SERVER_ORIGIN);
    this.#doc.on('update', this.#onDocUpdate);
    for (const listener of this.#transactionListeners) this.#doc.on('afterTransaction', listener);
  }

  // The first need of the document: built from what the room loaded with. The stored update
  // stays the cached full state until the first change. Storage that decoded at load but does not
  // replay fails the room like an update that does not apply (the next load reads it again).
  #buildLazily(): void {
    const stored = this.#stored!;
    this.#stored = this.#storedState = null;
    this.#stateVector = this.#deletesOnly = null;
    try {
      this.#build(stored);
    } catch (error) {
      this.#fail(error, CLOSE.internal, 'building the meeting from storage failed; the meeting is reloaded from storage');
      throw error;
    }
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.#fullState = null;
    // Every other change comes from a peer through `apply`.
    if (origin === DURABLE_ORIGIN) this.#sendToPeers(update, undefined);
    else if (this.#state === 'open') this.#writer.add(update, origin === EDIT_ORIGIN ? undefined : (origin as Peer));
    if (this.#changeListeners.size && !this.#changeScheduled) {
      this.#changeScheduled = true;
      queueMicrotask(this.#notifyChange);
    }
  };

  readonly #notifyChange = (): void => {
    this.#changeScheduled = false;
    for (const listener of [...this.#changeListeners]) listener();
  };

  #fanOut(update: Uint8Array, seq: number, sender: Peer | undefined): void {
    if (this.#state === 'failed') return;
    this.#sendToPeers(update, sender);
    if (this.#pendingAwareness.size) this.#flushAwarenessAfterWrites();
    this.#fanout?.published(this.id, update, seq);
    for (const listener of this.#entryListeners) listener(update, seq, sender);
    this.#events.onDurable(this);
  }

  // The sender already has the update; an entry from several senders goes to everyone (harmless).
  #sendToPeers(update: Uint8Array, sender: Peer | undefined): void {
    const frame = updateFrame(update);
    for (const peer of this.peers) if (peer !== sender) peer.send(frame);
  }

  #fail(error: unknown, code: number = CLOSE.storageUnavailable, message = 'storage write failed; the meeting stops accepting edits'): void {
    if (this.#state === 'failed') return;
    this.#state = 'failed';
    if (error instanceof MeetingDeletedError) {
      // Deleted on another instance just before this edit reached PostgreSQL: nothing failed.
      this.#deleted = true;
      this.#log.info({ meetingId: this.id }, 'the meeting was deleted on another instance; closing its sockets');
      this.closePeers(CLOSE.deleted, 'meeting deleted');
    } else {
      this.#log.error({ err: error, meetingId: this.id }, message);
      this.closePeers(code, code === CLOSE.storageUnavailable ? 'storage unavailable' : 'internal error');
    }
    this.#events.onFailure(this, error);
  }

  // Presence changes wait for the room's next edit to go out, or AWARENESS_WINDOW_MS at most,
  // and leave as one frame: a typist's cursor goes with its keystroke, and the cursors of those
  // who only read share the edits' writes instead of costing a write to every peer each.
  readonly #onAwarenessChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    for (const id of [...added, ...updated, ...removed]) this.#pendingAwareness.add(id);
    if (this.peers.has(origin as Peer)) this.#noteNames(origin as Peer, added, updated);
    this.#awarenessFlush ??= setTimeout(this.#flushAwarenessAfterWrites, AWARENESS_WINDOW_MS).unref();
  };

  // Keeps what `peer` shows as its names when an update of its own states shows a name it did not
  // (a cursor move shows the same name: no walk over the room's states then).
  #noteNames(peer: Peer, added: number[], updated: number[]): void {
    const last = this.#lastNames.get(peer);
    for (const id of [...added, ...updated]) {
      const name = nameIn(this.awareness.getStates().get(id));
      if (name !== null && this.awarenessOwners.get(id) === peer && !last?.includes(name)) {
        this.#lastNames.set(peer, this.namesOf(peer));
        return;
      }
    }
  }

  // Sent once the writes before it are out (durable and fanned out): no peer gets a cursor that
  // points at text it does not have yet. Called from the fan-out, this resolves in the same
  // microtask drain, so the frames join the edit's write to each peer (peer-socket.ts).
  readonly #flushAwarenessAfterWrites = (): void => {
    if (this.#awarenessFlush === 'waiting') return;
    if (this.#awarenessFlush) clearTimeout(this.#awarenessFlush);
    this.#awarenessFlush = 'waiting';
    void this.#writer.settled().then(this.#flushAwareness);
  };

  readonly #flushAwareness = (): void => {
    this.#awarenessFlush = null;
    // An id whose entry was forgotten meanwhile (awareness-meta.ts) has nothing left to announce.
    const ids = [...this.#pendingAwareness].filter((id) => this.awareness.meta.has(id));
    this.#pendingAwareness.clear();
    if (this.#state !== 'open' || ids.length === 0) return;
    const frame = awarenessFrame(this.awareness, ids);
    for (const peer of this.peers) peer.send(frame);
  };
}
