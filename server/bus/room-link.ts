/**
 * One loaded room's view of its meeting's sequence. Updates from other instances are applied as
 * they come (Yjs holds back what lacks its dependencies), and the link tracks which sequence
 * numbers the room holds: `watermark` is the highest one below which nothing is missing. A gap
 * that does not close within GAP_GRACE_MS (messages of two instances may cross), a reconnect of
 * the bus, or a head in PostgreSQL past the watermark makes it read the missing rows from
 * PostgreSQL: Redis only makes updates arrive sooner, it never decides whether they arrive.
 */
import type { Clock, TimerHandle } from '../clock.js';
import type { Room } from '../collab/room.js';
import type { StoredRows } from '../storage/postgres/reads.js';

/** How long a gap may stay open before the rows are read from PostgreSQL. */
export const GAP_GRACE_MS = 150;

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
  readonly #ahead = new Set<number>();
  readonly #deps: LinkDeps;
  #timer: TimerHandle | null = null;
  #repairing: Promise<void> | null = null;
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
    this.#note(seq);
  }

  /** An update another instance published. */
  receive(seq: number, update: Uint8Array): void {
    if (this.#stopped || seq <= this.#watermark || this.#ahead.has(seq)) return;
    this.room.applyDurable(update);
    this.#note(seq);
  }

  /** PostgreSQL's head of the meeting, read now: anything past the watermark is missing. */
  checkHead(head: number): void {
    if (head > this.#watermark && !this.#timer) void this.repair('silence');
  }

  /** Reads every row after the watermark (once at a time; a request meanwhile runs after it). */
  repair(reason: RepairReason): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#repairing) {
      this.#again ??= reason;
      return this.#repairing;
    }
    this.#clearTimer();
    this.#repairing = this.#read(reason).finally(() => {
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
      this.#deps.failed?.(error);
      // Tried again at the next catch-up round, or by the next gap.
      return;
    }
    if (this.#stopped) return;
    if (!rows.exists) return this.#deps.gone(this.room.id);
    if (rows.withSnapshot && rows.stored.snapshot) this.room.applyDurable(rows.stored.snapshot);
    for (const update of rows.stored.updates) this.room.applyDurable(update);
    this.#deps.repaired?.(reason, rows.stored.updates.length + (rows.withSnapshot ? 1 : 0));
    // Every number up to the head read is committed (numbers are allocated under a row lock held
    // until commit), so the read holds all of them.
    this.#advanceTo(rows.head);
  }

  #note(seq: number): void {
    if (seq <= this.#watermark) return;
    this.#ahead.add(seq);
    this.#advanceTo(this.#watermark);
  }

  #advanceTo(seq: number): void {
    this.#watermark = Math.max(this.#watermark, seq);
    for (const ahead of this.#ahead) if (ahead <= this.#watermark) this.#ahead.delete(ahead);
    while (this.#ahead.delete(this.#watermark + 1)) this.#watermark++;
    if (this.#ahead.size === 0) this.#clearTimer();
    else if (!this.#timer && !this.#stopped) this.#timer = this.#deps.clock.setTimeout(() => ((this.#timer = null), void this.repair('gap')), GAP_GRACE_MS);
  }

  #clearTimer(): void {
    if (this.#timer) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
