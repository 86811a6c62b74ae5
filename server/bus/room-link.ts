/**
 * One loaded room's view of its meeting's sequence. Updates from other instances are applied in
 * sequence order, which is causal order (an instance commits an edit only after everything its
 * clients built it on was committed), so an update never waits in Yjs for a dependency; one that
 * arrives early waits here. `watermark` is the highest number below which the room holds
 * everything. A gap
 * that does not close within GAP_GRACE_MS (messages of two instances may cross), a reconnect of
 * the bus, or a head in PostgreSQL past the watermark makes it read the missing rows from
 * PostgreSQL: Redis only makes updates arrive sooner, it never decides whether they arrive.
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { Room } from '../collab/room.js';
import type { StoredRows } from '../storage/postgres/reads.js';

/** How long a gap may stay open before the rows are read from PostgreSQL. */
export const GAP_GRACE_MS = 150;
/** Entries held behind a gap before the rows are read at once. */
const MAX_AHEAD = 1000;

/** Why a link read rows from PostgreSQL. */
export type RepairReason = 'gap' | 'reconnect' | 'silence' | 'load';

/** What a link needs besides its room. */
export interface LinkDeps {
  clock: Clock;
  readRowsAfter(id: string, afterSeq: number): Promise<StoredRows>;
  /** The meeting no longer exists in PostgreSQL. */
  gone(id: string): void;
  repaired?(reason: RepairReason, rows: number): void;
  failed?(error: unknown): void;
}

/** Keeps one room in step with its meeting's rows. */
export class RoomLink {
  readonly room: Room;
  #watermark: number;
  // Entries past the watermark, by sequence number: an update to apply in turn, or null for this
  // instance's own entries (their content is already in the document).
  readonly #ahead = new Map<number, Uint8Array | null>();
  readonly #deps: LinkDeps;
  #timer: TimerHandle | null = null;
  #repairing: Promise<void> | null = null;
  // A head PostgreSQL reported that the watermark has not reached yet.
  #expected = -1;
  #again: RepairReason | null = null;
  #stopped = false;

  constructor(room: Room, deps: LinkDeps) {
    this.room = room;
    this.#deps = deps;
    this.#watermark = room.loadedSeq;
  }

  /** Every entry up to this sequence number is in the room's document. */
  get watermark(): number {
    return this.#watermark;
  }

  /** An entry this instance wrote is durable (its content is already in the document). */
  noteOwn(seq: number): void {
    this.#note(seq, null);
  }

  /** An update another instance published. */
  receive(seq: number, update: Uint8Array): void {
    if (this.#stopped) return;
    this.#note(seq, update);
  }

  /**
   * PostgreSQL's head of the meeting, read now: anything past the watermark is missing unless it
   * arrives within GAP_GRACE_MS (this instance's own commits are noted a moment after they land).
   */
  checkHead(head: number): void {
    if (head <= this.#watermark || this.#stopped) return;
    this.#expected = Math.max(this.#expected, head);
    this.#arm();
  }

  /**
   * Reads every row after the watermark (once at a time; a request meanwhile runs after it). Never
   * rejects: a failure is reported to `failed` and the rows are read again by the next catch-up
   * round or gap (the watermark only moves past what was applied).
   */
  repair(reason: RepairReason): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#repairing) {
      this.#again ??= reason;
      return this.#repairing;
    }
    this.#clearTimer();
    this.#repairing = this.#read(reason)
      .catch((error: unknown) => this.#report(error))
      .finally(() => {
        this.#repairing = null;
        const again = this.#again;
        this.#again = null;
        if (again) void this.repair(again);
      });
    return this.#repairing;
  }

  /** Stops: nothing more is applied, no timer stays. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  async #read(reason: RepairReason): Promise<void> {
    let rows: StoredRows;
    try {
      rows = await this.#deps.readRowsAfter(this.room.id, this.#watermark);
    } catch (error) {
      // Tried again at the next catch-up round, or by the next gap.
      return this.#report(error);
    }
    if (this.#stopped) return;
    if (!rows.exists) return this.#deps.gone(this.room.id);
    if (rows.withSnapshot && rows.stored.snapshot) this.room.applyDurable(rows.stored.snapshot, 'snapshot');
    for (const update of rows.stored.updates) this.room.applyDurable(update);
    this.#deps.repaired?.(reason, rows.stored.updates.length + (rows.withSnapshot ? 1 : 0));
    // Every number up to the head read is committed (numbers are allocated under a row lock held
    // until commit), so the read holds all of them.
    this.#advanceTo(rows.head);
  }

  // A reporter that throws must not turn a repair into an unhandled rejection either.
  #report(error: unknown): void {
    try {
      this.#deps.failed?.(error);
    } catch {
      // nothing left to tell
    }
  }

  #note(seq: number, update: Uint8Array | null): void {
    if (seq <= this.#watermark || this.#ahead.has(seq)) return;
    this.#ahead.set(seq, update);
    // A gap this deep is not a crossing of messages: read the rows now.
    if (this.#ahead.size > MAX_AHEAD) void this.repair('gap');
    this.#advanceTo(this.#watermark);
  }

  // Moves the watermark to `seq` (everything up to it is in the document), then applies the
  // entries that follow it without a gap.
  #advanceTo(seq: number): void {
    this.#watermark = Math.max(this.#watermark, seq);
    for (const ahead of this.#ahead.keys()) if (ahead <= this.#watermark) this.#ahead.delete(ahead);
    for (let next = this.#ahead.get(this.#watermark + 1); next !== undefined; next = this.#ahead.get(this.#watermark + 1)) {
      this.#ahead.delete(++this.#watermark);
      if (next) this.room.applyDurable(next);
    }
    this.#arm();
  }

  // A repair is due after the grace period while something is known to be missing.
  #arm(): void {
    const missing = this.#ahead.size > 0 || this.#expected > this.#watermark;
    if (!missing) this.#clearTimer();
    else if (!this.#timer && !this.#stopped) {
      const reason: RepairReason = this.#ahead.size > 0 ? 'gap' : 'silence';
      this.#timer = this.#deps.clock.setTimeout(() => ((this.#timer = null), void this.repair(reason)), GAP_GRACE_MS);
    }
  }

  #clearTimer(): void {
    if (this.#timer) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
