/**
 * Time as the server sees it, injectable so tests can control it (grace periods, back-offs,
 * debounces). Timers are unref'd: none of them keeps the process alive.
 */

/** A timer handle, opaque to callers. */
export type TimerHandle = { readonly __timer: unique symbol } | NodeJS.Timeout;

/** What the server needs of a clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer (a handle already fired or cancelled is ignored). */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
