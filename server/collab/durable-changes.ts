/**
 * The durable-change hook: a debounced "this meeting's document changed and is on disk" event.
 * Derived features subscribe to it (the meeting record's title and updatedAt today; action items,
 * history and webhooks next). It fires `debounceMs` after the last durable write of a burst, at the
 * latest `maxWaitMs` after the first one, and once more, at once, before the room unloads.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { Room } from './room.js';

/** One event: the room (its document holds the changed state, all of it durable) and when it last changed. */
export interface DurableChange {
  room: Room;
  /** Time of the last durable write the event covers (ms since the epoch, server clock). */
  changedAt: number;
}

/**
 * A subscriber. It runs while the room is loaded; a write it makes must be submitted before its
 * first await, so that it is ordered before a deletion of the meeting that follows.
 */
export type DurableChangeListener = (change: DurableChange) => void | Promise<void>;

/** Debounce settings. */
export interface DurableChangeTiming {
  debounceMs: number;
  maxWaitMs: number;
}

interface PendingChange {
  firstAt: number;
  lastAt: number;
  timer: TimerHandle;
}

/** Debounces durable writes per room into events for the subscribers. */
export class DurableChanges {
  readonly #listeners: DurableChangeListener[] = [];
  readonly #pending = new Map<Room, PendingChange>();
  readonly #clock: Clock;
  readonly #timing: DurableChangeTiming;
  readonly #log: FastifyBaseLogger;

  constructor(clock: Clock, timing: DurableChangeTiming, log: FastifyBaseLogger) {
    this.#clock = clock;
    this.#timing = timing;
    this.#log = log;
  }

  /** Adds a subscriber. */
  subscribe(listener: DurableChangeListener): void {
    this.#listeners.push(listener);
  }

  /** A write of `room` is durable: (re)starts its debounce. */
  noteDurable(room: Room): void {
    const now = this.#clock.now();
    const pending = this.#pending.get(room);
    if (pending) this.#clock.clearTimeout(pending.timer);
    const firstAt = pending?.firstAt ?? now;
    const delay = Math.max(0, Math.min(this.#timing.debounceMs, firstAt + this.#timing.maxWaitMs - now));
    this.#pending.set(room, { firstAt, lastAt: now, timer: this.#clock.setTimeout(() => void this.flush(room), delay) });
  }

  /** Fires the room's pending event now (if any) and resolves once every subscriber finished. */
  async flush(room: Room): Promise<void> {
    const pending = this.#pending.get(room);
    if (!pending) return;
    this.#clock.clearTimeout(pending.timer);
    this.#pending.delete(room);
    const change: DurableChange = { room, changedAt: pending.lastAt };
    await Promise.all(
      this.#listeners.map(async (listener) => {
        try {
          await listener(change);
        } catch (error) {
          this.#log.warn({ err: error, meetingId: room.id }, 'a durable-change subscriber failed');
        }
      }),
    );
  }

  /** Drops the room's pending event; true if there was one. */
  cancel(room: Room): boolean {
    const pending = this.#pending.get(room);
    if (pending) this.#clock.clearTimeout(pending.timer);
    return this.#pending.delete(room);
  }
}
