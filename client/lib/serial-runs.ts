/**
 * Runs an async task one at a time without losing a request: a call made while a run is in flight
 * queues one more run after it (calls made meanwhile share that run), so whoever asks after an
 * action gets an answer fetched after the action, never only the older run's.
 */

/** `run()` starts the task or queues one more run; `drop()` forgets the queued run. */
export class SerialRuns {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private dropped = false;

  constructor(private readonly task: () => Promise<void>) {}

  /** Settles once a run that started after this call has finished (with that run's outcome). */
  run(): Promise<void> {
    this.dropped = false;
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // The next run starts only after the current one has settled, whatever its outcome.
    const queued: Promise<void> = this.running.then(
      () => this.next(queued),
      () => this.next(queued),
    );
    this.queued = queued;
    return queued;
  }

  /** The queued run, if any, does not start (its callers' promises settle without it). */
  drop(): void {
    this.dropped = this.queued !== null;
  }

  private next(queued: Promise<void>): Promise<void> {
    if (this.queued === queued) this.queued = null;
    if (this.dropped) {
      this.dropped = false;
      return Promise.resolve();
    }
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.task().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
