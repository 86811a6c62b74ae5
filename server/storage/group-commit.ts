/**
 * Group commit: every write submitted during one callback of the event loop (one socket read with
 * the microtasks it queues) and while the previous batch is on its way to disk goes into one
 * LevelDB batch. Batches reach disk strictly in order, so "batch N is durable" implies every earlier
 * submission is durable too.
 *
 * The batch starts at the end of the current microtask queue, not on `setImmediate`: waiting for
 * the check phase made an edit wait for every other socket read of the same poll phase (other
 * rooms' awareness fan-outs) before its write even started. Under load nothing is lost in grouping:
 * whatever arrives while a batch is in flight still goes out together as the next one.
 */

interface OpenBatch<Op> {
  ops: Op[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Collects write operations and commits them in as few ordered batches as possible. */
export class GroupCommit<Op> {
  #open: OpenBatch<Op> | null = null;
  #inFlight: Promise<void> | null = null;
  #last: Promise<void> = Promise.resolve();
  readonly #write: (ops: Op[]) => Promise<void>;
  readonly #onBatch: (size: number, seconds: number, error?: unknown) => void;

  constructor(write: (ops: Op[]) => Promise<void>, onBatch: (size: number, seconds: number, error?: unknown) => void = () => {}) {
    this.#write = write;
    this.#onBatch = onBatch;
  }

  /**
   * Queues operations; resolves with `result` once the batch holding them is on disk, rejects if
   * that batch failed. Every submission settles through the same one step after its batch, so the
   * promises of one batch settle in submission order too.
   */
  submit<T = void>(ops: readonly Op[], result?: T): Promise<T> {
    if (!this.#open) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#open = { ops: [], promise, resolve, reject };
      this.#last = promise.catch(() => {});
      if (!this.#inFlight) queueMicrotask(this.#flushSoon);
    }
    for (const op of ops) this.#open.ops.push(op);
    return this.#open.promise.then(() => result as T);
  }

  /** Resolves (never rejects) once everything submitted so far has been written or has failed. */
  settled(): Promise<void> {
    return this.#last;
  }

  readonly #flushSoon = (): void => this.#flush();

  #flush(): void {
    const batch = this.#open;
    if (this.#inFlight || !batch) return;
    this.#open = null;
    const started = process.hrtime.bigint();
    this.#inFlight = this.#write(batch.ops).then(
      () => {
        this.#onBatch(batch.ops.length, Number(process.hrtime.bigint() - started) / 1e9);
        batch.resolve();
      },
      (error: unknown) => {
        this.#onBatch(batch.ops.length, Number(process.hrtime.bigint() - started) / 1e9, error);
        batch.reject(error);
      },
    );
    void this.#inFlight.finally(() => {
      this.#inFlight = null;
      // Whatever arrived while this batch was on its way to disk goes out now, as one batch.
      this.#flush();
    });
  }
}
