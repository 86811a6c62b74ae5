/**
 * Bounded presence memory. y-protocols keeps an `awareness.meta` entry (clock, time) for every
 * client id it ever saw and never deletes one, so a client that reconnects again and again with
 * fresh ids would grow a room's map for as long as the room stays loaded. A departed id's entry is
 * kept for DEPARTED_META_MS, long enough that the echoes of its last states still in flight from
 * stock clients are recognised as echoes (peer-connection.ts compares their clocks with it), and
 * then deleted. Departures are also numbered (a counter per room, not time: clocks may stand
 * still): a connection notes the number when it joins, and an id that left after that may be an
 * echo of a state the connection was sent, never its own return.
 */
import type { Awareness } from 'y-protocols/awareness';
import type { Clock, TimerHandle } from '../clock.js';

/** How long a departed client's awareness entry is kept (the echo filter needs its clock). */
export const DEPARTED_META_MS = 10_000;

/** Forgets the awareness entries of a room's departed clients, DEPARTED_META_MS after they left. */
export class DepartedMeta {
  readonly #awareness: Awareness;
  readonly #owners: ReadonlyMap<number, unknown>;
  readonly #clock: Clock;
  readonly #delayMs: number;
  // Client id -> when it left (clock time) and its departure's number.
  readonly #departed = new Map<number, { at: number; seq: number }>();
  #sequence = 0;
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(awareness: Awareness, owners: ReadonlyMap<number, unknown>, clock: Clock, delayMs = DEPARTED_META_MS) {
    this.#awareness = awareness;
    this.#owners = owners;
    this.#clock = clock;
    this.#delayMs = delayMs;
    // Every removal is a departure candidate: a peer leaving, a remote instance expiring, the 30 s timeout.
    awareness.on('update', this.#onUpdate);
  }

  /** Entries waiting to be forgotten. */
  get size(): number {
    return this.#departed.size;
  }

  /** The number of the latest departure (0 before any). */
  get sequence(): number {
    return this.#sequence;
  }

  /** The number of `id`'s latest departure, or undefined if it is not a departure still remembered. */
  departureOf(id: number): number | undefined {
    return this.#departed.get(id)?.seq;
  }

  /** Notes that `ids` left (their states are removed, or were already null). */
  departed(ids: Iterable<number>): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    for (const id of ids) {
      // The room's own id holds no state, but its entry is the awareness object's own.
      if (id === this.#awareness.clientID) continue;
      this.#departed.delete(id);
      this.#departed.set(id, { at: now, seq: ++this.#sequence });
    }
    if (this.#departed.size && !this.#timer) this.#schedule(this.#delayMs);
  }

  /** Stops (the room is freed with its awareness). */
  stop(): void {
    this.#stopped = true;
    this.#awareness.off('update', this.#onUpdate);
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#departed.clear();
  }

  readonly #onUpdate = ({ removed }: { removed: number[] }): void => {
    if (removed.length) this.departed(removed);
  };

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimeout(this.#sweep, ms);
  }

  readonly #sweep = (): void => {
    this.#timer = null;
    if (this.#stopped) return;
    const now = this.#clock.now();
    // Kept in departure order (re-marking moves an id to the end): stop at the first one not due.
    for (const [id, { at }] of this.#departed) {
      if (now - at < this.#delayMs) return this.#schedule(at + this.#delayMs - now);
      this.#departed.delete(id);
      // Back, or still someone's (a connected peer that cleared its state): marked again when it leaves.
      if (this.#awareness.states.has(id) || this.#owners.has(id)) continue;
      this.#awareness.meta.delete(id);
    }
  };
}
