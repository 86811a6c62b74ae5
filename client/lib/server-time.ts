/**
 * The server's clock as seen from this browser (GUIDE 1.8: the meeting's times are the server's).
 * A few `GET /api/time` round trips; the one with the shortest round trip bounds the error best.
 */
import type { ServerTime } from '../../shared/api-types.js';
import { clockOffset } from '../../shared/meeting-run.js';

/** Round trips per measurement: enough to skip one slowed by a busy network or a GC pause. */
const SAMPLES = 4;
// The last offset measured in this browser: a page opened offline starts from it, not from 0
// (a move written with a clock hours off would look like a time travel to the others).
const OFFSET_KEY = 'meetpad:server-clock-offset';

/** Asks the server for its time; throws when offline or on an error answer. */
export const fetchServerTime = async (): Promise<number> => {
  const response = await fetch('/api/time', { cache: 'no-store' });
  if (!response.ok) {
    void response.body?.cancel();
    throw new Error(`GET /api/time: ${response.status}`);
  }
  return ((await response.json()) as ServerTime).now;
};

/**
 * `now()` is the server's time in ms since the epoch: this browser's clock plus the measured
 * offset (until a measurement succeeds: the last one this browser made, else 0).
 */
export class ServerClock {
  /** True once a measurement succeeded. */
  synced = false;
  private offsetMs = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly ask: () => Promise<number> = fetchServerTime) {
    const saved = Number(safely(() => localStorage.getItem(OFFSET_KEY)) ?? '');
    if (Number.isFinite(saved)) this.offsetMs = Math.round(saved);
  }

  /** The server's time now, as well as this browser knows it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /**
   * Measures the offset afresh (on every reconnect: a laptop that slept or a clock that was
   * corrected makes the old one wrong). Keeps the old offset if no round trip succeeds.
   */
  measure(): Promise<void> {
    this.running ??= this.sample().finally(() => (this.running = null));
    return this.running;
  }

  private async sample(): Promise<void> {
    let best: ReturnType<typeof clockOffset> | null = null;
    for (let i = 0; i < SAMPLES; i++) {
      try {
        const sentAt = Date.now();
        const serverNow = await this.ask();
        const sample = clockOffset(sentAt, serverNow, Date.now());
        if (!best || sample.roundTripMs < best.roundTripMs) best = sample;
      } catch {
        break; // offline or refused: what we have is the best there is
      }
    }
    if (!best) return;
    this.offsetMs = best.offsetMs;
    this.synced = true;
    safely(() => localStorage.setItem(OFFSET_KEY, String(best.offsetMs)));
  }
}

// Storage may be unavailable (private modes, quotas): the clock works without it.
const safely = <T>(use: () => T): T | null => {
  try {
    return use();
  } catch {
    return null;
  }
};
