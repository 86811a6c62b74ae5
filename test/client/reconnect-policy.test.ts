/**
 * The reconnect policy of the web client, on a controlled clock: a server that syncs and then closes
 * (4503, 1011, 1013, 4429, 1001) is met with ever longer waits, and only a healthy connection starts
 * the count again.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { accessRefusal } from '../../client/lib/access-refusal.js';
import { ReconnectPolicy } from '../../client/lib/reconnect-policy.js';
import { retryMessage } from '../../client/lib/retry-message.js';

/** A clock the test moves by hand. */
const manualClock = () => {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

/** One connection that opens, syncs, lives `lifeMs` and is closed by the server. */
const syncThenClose = (policy: ReconnectPolicy, clock: ReturnType<typeof manualClock>, lifeMs = 50): number => {
  policy.attempt();
  clock.advance(20);
  policy.synced();
  clock.advance(lifeMs);
  return policy.closed();
};

describe('reconnect policy', () => {
  it('doubles the wait after every close, even when each connection synced first, up to the maximum', () => {
    const clock = manualClock();
    const policy = new ReconnectPolicy({ baseMs: 1000, maxMs: 30_000, jitter: 0, now: clock.now });
    const waits = Array.from({ length: 8 }, () => syncThenClose(policy, clock));
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(policy.failures).toBe(8);
  });

  it('counts connections refused before they opened like the others', () => {
    const clock = manualClock();
    const policy = new ReconnectPolicy({ jitter: 0, now: clock.now });
    policy.attempt();
    expect(policy.closed()).toBe(1000);
    policy.attempt();
    expect(policy.closed()).toBe(2000);
  });

  it('starts again from the first wait after the server stored edits on the connection', () => {
    const clock = manualClock();
    const policy = new ReconnectPolicy({ jitter: 0, now: clock.now });
    for (let i = 0; i < 4; i++) syncThenClose(policy, clock);
    policy.attempt();
    policy.synced();
    policy.stored();
    expect(policy.closed()).toBe(1000);
    expect(policy.failures).toBe(1);
  });

  it('starts again from the first wait after a connection stayed synced for the stable time, not before', () => {
    const clock = manualClock();
    const policy = new ReconnectPolicy({ jitter: 0, stableMs: 10_000, now: clock.now });
    for (let i = 0; i < 3; i++) syncThenClose(policy, clock);
    expect(syncThenClose(policy, clock, 9_000)).toBe(8000);
    expect(syncThenClose(policy, clock, 10_000)).toBe(1000);
  });

  it('a healthy mark belongs to one connection: the next attempt has to earn it again', () => {
    const clock = manualClock();
    const policy = new ReconnectPolicy({ jitter: 0, now: clock.now });
    policy.attempt();
    policy.stored();
    expect(policy.closed()).toBe(1000);
    expect(syncThenClose(policy, clock)).toBe(2000);
  });

  it('spreads each wait by the jitter, so that waits still grow strictly', () => {
    const clock = manualClock();
    const low = new ReconnectPolicy({ jitter: 0.2, now: clock.now, random: () => 0 });
    const high = new ReconnectPolicy({ jitter: 0.2, now: clock.now, random: () => 0.999_999 });
    const lows = Array.from({ length: 4 }, () => syncThenClose(low, clock));
    const highs = Array.from({ length: 4 }, () => syncThenClose(high, clock));
    expect(lows).toEqual([800, 1600, 3200, 6400]);
    expect(highs).toEqual([1200, 2400, 4800, 9600]);
    for (let i = 1; i < 4; i++) expect(lows[i]).toBeGreaterThan(highs[i - 1]!);
  });
});

describe('retry message', () => {
  it('says why and how long, in whole seconds', () => {
    expect(retryMessage(CLOSE.storageUnavailable, 7400, 4, true)).toBe('Cannot save right now, retrying in 8 s. Your edits are kept in this browser.');
    expect(retryMessage(CLOSE.shuttingDown, 1000, 1, false)).toBe('The server is restarting, retrying in 1 s.');
    expect(retryMessage(CLOSE.storageUnavailable, null, 4, false)).toBe('Cannot save right now, reconnecting…');
  });

  it('stays quiet about a first plain drop of the connection, not about repeated ones', () => {
    expect(retryMessage(1006, 1000, 1, true)).toBeNull();
    expect(retryMessage(1006, 2000, 2, true)).toMatch(/^Cannot reach the server, retrying in 2 s\./);
  });
});

describe('access refusal', () => {
  it("discards only on the server's coded answer that the meeting was deleted", () => {
    expect(accessRefusal(410, 'meeting_deleted')).toBe('deleted');
    expect(accessRefusal(404, 'meeting_not_found')).toBe('unknown');
    expect(accessRefusal(404, '404')).toBe('unknown'); // a proxy's HTML 404
    expect(accessRefusal(410, '410')).toBe('unknown'); // a 410 without the code proves nothing
    expect(accessRefusal(401, 'unauthorized')).toBe('key');
    expect(accessRefusal(400, 'bad_id')).toBe('link');
    expect(accessRefusal(502, '502')).toBe('transient');
  });
});
