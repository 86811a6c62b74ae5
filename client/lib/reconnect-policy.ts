/**
 * How long to wait before reconnecting. y-websocket resets its own backoff whenever a connection
 * syncs, so a server that syncs and then closes (4503: it cannot save) would get a new connection,
 * and the unsaved edits again, five times a second for ever. Here every close counts as a failure
 * and only a connection that proved healthy starts the count again.
 */

/** Tuning of a ReconnectPolicy; the clock and the random source are injectable for tests. */
export interface ReconnectPolicyOptions {
  /** First wait. */
  baseMs?: number;
  /** Longest wait, before the jitter. */
  maxMs?: number;
  /** A connection that stayed synced this long was healthy. */
  stableMs?: number;
  /** Relative spread of each wait (0.2: ±20 %), so that many pages do not come back in step. */
  jitter?: number;
  now?: () => number;
  random?: () => number;
}

/** Defaults: 1 s, doubling, at most 30 s; healthy after 10 s synced. */
export const RECONNECT_DEFAULTS = { baseMs: 1000, maxMs: 30_000, stableMs: 10_000, jitter: 0.2 } as const;

/** Counts consecutive failed connections and answers the wait before the next attempt. */
export class ReconnectPolicy {
  private readonly options: Required<ReconnectPolicyOptions>;
  private count = 0;
  private syncedAt: number | null = null;
  private healthy = false;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.options = { ...RECONNECT_DEFAULTS, now: () => Date.now(), random: Math.random, ...options };
  }

  /** Consecutive failures so far (the attempt number of the wait last answered). */
  get failures(): number {
    return this.count;
  }

  /** A new connection attempt starts: nothing is known about it yet. */
  attempt(): void {
    this.syncedAt = null;
    this.healthy = false;
  }

  /** The connection synced with the server. */
  synced(): void {
    this.syncedAt ??= this.options.now();
  }

  /** The server acknowledged, on this connection, storing edits it did not have: it can save. */
  stored(): void {
    this.healthy = true;
  }

  /** The connection closed (whatever the code); returns how long to wait before the next attempt. */
  closed(): number {
    const { baseMs, maxMs, stableMs, jitter, now, random } = this.options;
    // A sync alone proves little (a server that cannot save still syncs); time or an ack does.
    if (this.healthy || (this.syncedAt !== null && now() - this.syncedAt >= stableMs)) this.count = 0;
    this.syncedAt = null;
    this.healthy = false;
    this.count++;
    const wait = Math.min(maxMs, baseMs * 2 ** (this.count - 1));
    return Math.round(wait * (1 - jitter + 2 * jitter * random()));
  }
}
