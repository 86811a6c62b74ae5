/**
 * The one-at-a-time runner behind the history list refresh: a refresh asked for while one is in
 * flight is run again afterwards (not dropped), so an answer always reflects what happened before
 * the ask; calls made meanwhile share that one extra run; a dropped queue starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { SerialRuns } from '../../client/lib/serial-runs.js';

/** A task whose runs the test finishes by hand; each run reads `state.value` when it finishes. */
const manualTask = () => {
  const state = { value: 0, started: 0, seen: [] as number[] };
  const finishers: ((fail?: boolean) => void)[] = [];
  const task = () => {
    state.started++;
    return new Promise<void>((resolve, reject) => {
      finishers.push((fail) => {
        state.seen.push(state.value);
        if (fail) reject(new Error('offline'));
        else resolve();
      });
    });
  };
  /** Finishes the oldest unfinished run and lets the promise callbacks run. */
  const finish = async (fail = false) => {
    finishers.shift()!(fail);
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { state, task, finish, pending: () => finishers.length };
};

describe('serial runs', () => {
  it('a run asked for while one is in flight starts after it, and its answer reflects the change', async () => {
    const { state, task, finish, pending } = manualTask();
    const runs = new SerialRuns(task);
    const poll = runs.run();
    // The poll is in flight (it read the list before the naming); the naming answers, a refresh is asked for.
    state.value = 1;
    let refreshed = false;
    const refresh = runs.run().then(() => (refreshed = true));
    expect(state.started).toBe(1);
    await finish();
    await poll;
    expect(refreshed).toBe(false);
    expect(state.started).toBe(2);
    expect(pending()).toBe(1);
    await finish();
    await refresh;
    expect(refreshed).toBe(true);
    expect(state.seen).toEqual([1, 1]);
    expect(pending()).toBe(0);
  });

  it('never runs two at a time; calls made during a run share one extra run', async () => {
    const { state, task, finish, pending } = manualTask();
    const runs = new SerialRuns(task);
    const first = runs.run();
    const queued = [runs.run(), runs.run(), runs.run()];
    expect(new Set(queued).size).toBe(1);
    await finish();
    await first;
    expect(pending()).toBe(1);
    // A call made during the extra run queues again.
    const later = runs.run();
    await finish();
    await Promise.all(queued);
    expect(pending()).toBe(1);
    await finish();
    await later;
    expect(state.started).toBe(3);
    // Idle again: the next call starts at once.
    const again = runs.run();
    expect(state.started).toBe(4);
    await finish();
    await again;
  });

  it('runs the queued run after a failed one, whose caller sees the failure', async () => {
    const { state, task, finish } = manualTask();
    const runs = new SerialRuns(task);
    const failing = runs.run();
    const queued = runs.run();
    await finish(true);
    await expect(failing).rejects.toThrow('offline');
    expect(state.started).toBe(2);
    await finish();
    await expect(queued).resolves.toBeUndefined();
  });

  it('drop() forgets the queued run; a later call queues again', async () => {
    const { state, task, finish } = manualTask();
    const runs = new SerialRuns(task);
    const first = runs.run();
    const dropped = runs.run();
    runs.drop();
    await finish();
    await first;
    await dropped;
    expect(state.started).toBe(1);

    const second = runs.run();
    void runs.run();
    runs.drop();
    const revived = runs.run();
    await finish();
    await second;
    expect(state.started).toBe(3);
    await finish();
    await revived;
  });
});
