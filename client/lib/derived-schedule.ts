/**
 * When the views derived from a meeting's text (preview, table of contents, action items, run
 * topics) are recomputed after the text changed. The editor shows a keystroke by itself; these
 * follow shortly after, all together so they always show the same version of the text, in a
 * task right after the next animation frame, so that a keystroke's own frame is painted first:
 *
 * - cheap (the last recompute took at most CHEAP_MS): after the next frame;
 * - expensive (a long text): once the changes pause for QUIET_MS, and never later than
 *   MAX_STALE_MS after the first change still waiting.
 *
 * A change made meanwhile is never dropped: every change leads to one more recompute after it.
 */

/** Milliseconds; a recompute of the 260k-edit automerge-paper text (100 kB) takes tens of them. */
export const CHEAP_MS = 6;
export const QUIET_MS = 120;
export const MAX_STALE_MS = 250;

interface TaskScheduler {
  postTask(task: () => void, options: { priority: 'background'; signal: AbortSignal }): Promise<unknown>;
}

// A task behind anything more urgent (the next key, the editor's own work) where the browser can
// order tasks (scheduler.postTask), else a plain one; the returned function cancels it.
const backgroundTask = (task: () => void): (() => void) => {
  const scheduler = (globalThis as { scheduler?: Partial<TaskScheduler> }).scheduler;
  if (typeof scheduler?.postTask === 'function') {
    const controller = new AbortController();
    scheduler.postTask(task, { priority: 'background', signal: controller.signal }).catch((error: unknown) => {
      // Cancelled: nothing to say. A task that threw: thrown again, as it would from a timer.
      if (!controller.signal.aborted) setTimeout(() => {
        throw error;
      });
    });
    return () => controller.abort();
  }
  const timer = setTimeout(task);
  return () => clearTimeout(timer);
};

/** Runs its tasks together, soon after `changed()`, as described above. */
export class DerivedSchedule {
  private readonly tasks = new Set<() => void>();
  private first: number | null = null;
  private cost = 0;
  private cancel: (() => void) | null = null;
  // Whether what `cancel` would cancel already leads to the run (no more waiting for a pause).
  private due = false;

  /** Adds a task run on every recompute; the returned function removes it. */
  add(task: () => void): () => void {
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }

  /** The text changed: recompute soon. */
  changed(): void {
    const now = performance.now();
    this.first ??= now;
    if (this.due) return;
    this.cancel?.();
    if (this.cost <= CHEAP_MS) return this.afterFrame();
    const timer = setTimeout(this.afterFrame, Math.min(QUIET_MS, this.first + MAX_STALE_MS - now));
    this.cancel = () => clearTimeout(timer);
  }

  /** Drops what is waiting. */
  dispose(): void {
    this.cancel?.();
    this.cancel = this.first = null;
    this.due = false;
  }

  // The run in a task after the next frame: whatever the keystrokes changed in the editor is on
  // screen first (a run inside the frame would delay its paint by the run's time).
  private readonly afterFrame = (): void => {
    this.due = true;
    this.cancel = cancelAnimationFrame.bind(
      null,
      requestAnimationFrame(() => (this.cancel = backgroundTask(this.run))),
    );
  };

  private readonly run = (): void => {
    this.dispose();
    const started = performance.now();
    for (const task of [...this.tasks]) task();
    this.cost = performance.now() - started;
  };
}
