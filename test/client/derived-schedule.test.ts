/**
 * The schedule of the views derived from the text (preview, contents, items): cheap recomputes
 * follow the next frame; expensive ones wait for a pause in the typing but are never more than
 * MAX_STALE_MS behind, and the last change is always recomputed; none runs inside a frame (it
 * would delay the keystroke's paint). Fake timers: nothing waits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DerivedSchedule, MAX_STALE_MS, QUIET_MS } from '../../client/lib/derived-schedule.js';

const FRAME_MS = 16;
// A run is a task after the frame, setTimeout(0), which the fake clock runs 1 ms later.
const TASK_MS = 1;
// Set while a stubbed animation frame's callbacks run.
let inFrame = false;

/** A schedule whose task records what it saw and "takes" `cost` ms (of performance.now). */
const setup = (cost: number) => {
  let spent = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now() + spent);
  const schedule = new DerivedSchedule();
  const state = { text: 0, runs: [] as { at: number; text: number }[], inFrame: [] as boolean[] };
  schedule.add(() => {
    state.runs.push({ at: Date.now(), text: state.text });
    state.inFrame.push(inFrame);
    spent += cost;
  });
  const type = (value: number) => {
    state.text = value;
    schedule.changed();
  };
  return { schedule, state, type };
};

describe('DerivedSchedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
    // Node has no frames: one every FRAME_MS on the fake clock.
    vi.stubGlobal('requestAnimationFrame', (run: (time: number) => void) =>
      setTimeout(() => {
        inFrame = true;
        run(Date.now());
        inFrame = false;
      }, FRAME_MS - (Date.now() % FRAME_MS)),
    );
    vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('recomputes a cheap view once right after the next frame, with the last change', () => {
    const { state, type } = setup(1);
    type(1);
    type(2);
    type(3);
    vi.advanceTimersByTime(FRAME_MS + TASK_MS);
    expect(state.runs).toEqual([{ at: FRAME_MS + TASK_MS, text: 3 }]);
    type(4);
    vi.advanceTimersByTime(FRAME_MS + TASK_MS);
    expect(state.runs.map((r) => r.text)).toEqual([3, 4]);
    expect(state.inFrame).toEqual([false, false]);
  });

  it('waits for a pause before an expensive recompute, then runs after the next frame', () => {
    const { state, type } = setup(40);
    type(1);
    vi.advanceTimersByTime(FRAME_MS + TASK_MS); // the first run measures the cost
    expect(state.runs).toHaveLength(1);
    const start = Date.now();
    type(2);
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(state.runs).toHaveLength(1);
    vi.advanceTimersByTime(1 + 2 * FRAME_MS);
    expect(state.runs).toHaveLength(2);
    expect(state.runs[1]!.text).toBe(2);
    expect(state.runs[1]!.at - start).toBeGreaterThanOrEqual(QUIET_MS);
    expect(state.runs[1]!.at - start).toBeLessThanOrEqual(QUIET_MS + FRAME_MS + TASK_MS);
    // A change during the wait starts it again (within MAX_STALE_MS of the first).
    type(3);
    vi.advanceTimersByTime(100);
    const second = Date.now();
    type(4);
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(state.runs).toHaveLength(2);
    vi.advanceTimersByTime(1 + 2 * FRAME_MS);
    expect(state.runs.map((r) => r.text)).toEqual([1, 2, 4]);
    expect(state.runs[2]!.at - second).toBeGreaterThanOrEqual(QUIET_MS);
    expect(state.inFrame).toEqual([false, false, false]);
  });

  it('while typing goes on, an expensive view is never more than MAX_STALE_MS (plus a frame) behind, and the last key is shown', () => {
    const { state, type } = setup(40);
    type(0);
    vi.advanceTimersByTime(FRAME_MS + TASK_MS);
    state.runs.length = 0;
    const changes: number[] = [];
    for (let key = 1; key <= 40; key++) {
      changes.push(Date.now());
      type(key);
      vi.advanceTimersByTime(50);
    }
    vi.advanceTimersByTime(1_000);
    expect(state.runs.length).toBeGreaterThan(4);
    expect(state.runs.length).toBeLessThan(20);
    // Each change is shown by the first run after it, within the bound.
    changes.forEach((at, i) => {
      const shown = state.runs.find((r) => r.at >= at && r.text >= i + 1);
      expect(shown, `change ${i + 1}`).toBeDefined();
      expect(shown!.at - at).toBeLessThanOrEqual(MAX_STALE_MS + FRAME_MS + TASK_MS);
    });
    expect(state.runs.at(-1)!.text).toBe(40);
  });

  it('dispose drops what is waiting', () => {
    const { schedule, state, type } = setup(1);
    type(1);
    vi.advanceTimersByTime(FRAME_MS + TASK_MS);
    expect(state.runs).toHaveLength(1);
    type(2);
    schedule.dispose();
    vi.advanceTimersByTime(1_000);
    expect(state.runs).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
