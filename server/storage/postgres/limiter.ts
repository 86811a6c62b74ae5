/**
 * At most N tasks at a time, the others waiting in order. Background work (compactions, gap
 * repairs: a Redis reconnect repairs every room at once) waits here rather than in the pool's
 * queue, where the wait would count against the connection timeout and fail the work; and it
 * leaves a connection free for loads and HTTP reads.
 */

/** A counting semaphore. */
export class Limiter {
  readonly #max: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Runs `task` once fewer than `max` tasks run. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes to the next task as it is (running stays the same).
      if (next) next();
      else this.#running--;
    }
  }
}
