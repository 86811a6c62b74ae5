/**
 * The persistence pipeline of one room. Updates applied during one socket callback (a burst of
 * keystrokes, a pasted paragraph) become one merged log entry; it is appended through the store,
 * and only once it is durable is it handed back for fan-out (durable before visible). The writer
 * also keeps the stored size for the document limit and folds the log into a snapshot every
 * `compactEvery` entries. It knows nothing about sockets.
 */
import { mergeMany } from './merge-updates.js';
import type { RecordWrite, StoredDocument, UpdateLog } from '../storage/meeting-store.js';
import { storedBytes } from '../storage/stored-document.js';

/** How a meeting is persisted, from the configuration. */
export interface PersistenceSettings {
  maxDocBytes: number;
  compactEvery: number;
}

/** What the writer reports to its room. */
export interface WriterEvents<Sender> {
  /** An entry is durable (log sequence `seq`): fan it out. `sender` is its one sender, or undefined for several. */
  durable(update: Uint8Array, seq: number, sender: Sender | undefined): void;
  /** A write or a compaction failed: the room must stop taking edits. */
  failed(error: unknown): void;
  /** Record writes to store with the next entry, in its batch (undefined: none). */
  alsoWrite?(): readonly RecordWrite[] | undefined;
}

/** What a compaction writes: the document's full state, and how to describe it for the next load (stored-summary.ts). */
export interface CompactedState {
  update: Uint8Array;
  summarize?: () => Uint8Array | undefined;
}

/** Appends a room's updates in order and compacts its log. */
export class DocumentWriter<Sender> {
  readonly #log: UpdateLog;
  readonly #settings: PersistenceSettings;
  readonly #snapshotOf: () => CompactedState | null;
  readonly #events: WriterEvents<Sender>;
  #pending: PendingEntry<Sender> | null = null;
  #lastEntry: Promise<void> = Promise.resolve();
  #compaction: Promise<void> | null = null;
  #failed = false;
  #snapshotBytes: number;
  #logBytes: number;

  /**
   * `snapshotOf` encodes the current document for a compaction; null when the room has not built
   * its document (nothing was appended since the load, so there is nothing to fold).
   */
  constructor(log: UpdateLog, stored: StoredDocument, settings: PersistenceSettings, snapshotOf: () => CompactedState | null, events: WriterEvents<Sender>) {
    this.#log = log;
    this.#settings = settings;
    this.#snapshotOf = snapshotOf;
    this.#events = events;
    this.#snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.#logBytes = storedBytes(stored) - this.#snapshotBytes;
  }

  /** Stored size of the meeting (snapshot plus log), an upper bound of what a reload reads. */
  get storedBytes(): number {
    return this.#snapshotBytes + this.#logBytes;
  }

  /** Whether an update of this many bytes still fits the document limit. */
  fits(updateBytes: number): boolean {
    return this.storedBytes + updateBytes <= this.#settings.maxDocBytes;
  }

  /**
   * Counts what another instance stored (an entry, or a snapshot its compaction wrote, which then
   * replaces what was counted), so the limit holds for the meeting, not per instance.
   */
  noteStored(bytes: number, snapshot: boolean): void {
    if (snapshot) [this.#snapshotBytes, this.#logBytes] = [bytes, 0];
    else this.#logBytes += bytes;
  }

  /** Queues an update applied to the document; updates of one turn are written as one entry. */
  add(update: Uint8Array, sender: Sender): void {
    if (this.#failed) return;
    if (!this.#pending) {
      this.#pending = new PendingEntry<Sender>();
      this.#lastEntry = this.#pending.settled;
      queueMicrotask(this.#writePending);
    }
    this.#pending.add(update, sender);
  }

  /** Resolves once every update added so far is durable or has failed (not waiting for later ones). */
  settled(): Promise<void> {
    return this.#lastEntry;
  }

  /** Resolves once nothing is pending or being written, however long writers keep adding. */
  async quiet(): Promise<void> {
    for (let last = this.#lastEntry; ; last = this.#lastEntry) {
      await last;
      if (last === this.#lastEntry) return;
    }
  }

  /** Folds every appended entry into a snapshot of the current document; resolves when done. */
  compact(): Promise<void> {
    if (this.#compaction) return this.#compaction;
    if (this.#failed || this.#log.length === 0) return Promise.resolve();
    const snapshot = this.#snapshotOf();
    if (snapshot === null) return Promise.resolve();
    const [upTo, foldedBytes] = [this.#log.head, this.#logBytes];
    // Submitted after every entry appended so far, so the batch lands after theirs.
    this.#compaction = this.#log
      .compact(snapshot.update, upTo, snapshot.summarize)
      .then(
        () => {
          this.#snapshotBytes = snapshot.update.byteLength;
          this.#logBytes -= foldedBytes;
        },
        (error: unknown) => this.#fail(error),
      )
      .finally(() => (this.#compaction = null));
    return this.#compaction;
  }

  /** Stops writing: entries not yet appended are dropped (the room failed for another reason). */
  abandon(): void {
    this.#failed = true;
  }

  /** Waits for every write and any compaction in flight, optionally compacts, then releases the log. */
  async close({ compact }: { compact: boolean }): Promise<void> {
    await this.quiet();
    await this.#compaction;
    if (compact) await this.compact();
    this.#log.close();
  }

  readonly #writePending = (): void => {
    const entry = this.#pending;
    this.#pending = null;
    if (!entry) return;
    if (this.#failed) return entry.settle();
    const update = entry.merged();
    this.#logBytes += update.byteLength;
    this.#log.append(update, this.#events.alsoWrite?.()).then(
      (seq) => {
        if (!this.#failed) this.#events.durable(update, seq, entry.soleSender());
        entry.settle();
      },
      (error: unknown) => {
        this.#fail(error);
        entry.settle();
      },
    );
    if (this.#log.length >= this.#settings.compactEvery) setImmediate(() => void this.compact());
  };

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#events.failed(error);
  }
}

/** Updates waiting to become one log entry; `settled` resolves once it is written or failed. */
class PendingEntry<Sender> {
  readonly #updates: Uint8Array[] = [];
  readonly #senders = new Set<Sender>();
  #resolve!: () => void;
  readonly settled = new Promise<void>((resolve) => (this.#resolve = resolve));

  add(update: Uint8Array, sender: Sender): void {
    this.#updates.push(update);
    this.#senders.add(sender);
  }

  /** All updates as one (Yjs merges updates without a document). */
  merged(): Uint8Array {
    return mergeMany(this.#updates);
  }

  /** The one sender every update came from; undefined when there were several. */
  soleSender(): Sender | undefined {
    return this.#senders.size === 1 ? this.#senders.values().next().value : undefined;
  }

  settle(): void {
    this.#resolve();
  }
}
