/**
 * When a loaded room's revisions are cut. The room is dirty after a durable entry it wrote itself
 * (updates another instance wrote arrive through `applyDurable` and are that instance's to record).
 * A dirty room is cut REVISION_PAUSE_MS after its last entry, at the latest REVISION_MAX_MS after
 * the first entry since the last cut, when its last peer leaves, and when it stops (unloading,
 * shutdown), never when it failed or its meeting was deleted. Timers run on the injected clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { Room } from '../collab/room.js';
import { REVISION_MAX_MS, REVISION_PAUSE_MS } from './revision-timing.js';

/** Why a recorder asks for a cut (for logs and tests). */
export type CutReason = 'pause' | 'max' | 'left' | 'stop';

/** What a recorder needs. */
export interface RecorderDeps {
  clock: Clock;
  log: FastifyBaseLogger;
  /** Cuts an automatic revision of the room (the recorder's `take` and `giveBack` are called by it). */
  cut(room: Room, recorder: RoomRecorder, reason: CutReason): Promise<void>;
}

/** The revision cadence of one loaded room. */
export class RoomRecorder {
  readonly #room: Room;
  readonly #deps: RecorderDeps;
  readonly #senders = new Set<string>();
  readonly #unsubscribe: Array<() => void>;
  #dirty = false;
  #stopped = false;
  #pauseTimer: TimerHandle | null = null;
  #maxTimer: TimerHandle | null = null;

  constructor(room: Room, deps: RecorderDeps) {
    this.#room = room;
    this.#deps = deps;
    this.#unsubscribe = [
      room.onDurableEntry((_update, _seq, sender) => {
        for (const name of sender ? room.senderNamesOf(sender) : []) this.#senders.add(name);
        this.#markDirty();
      }),
      // The last edit of whoever left may not be durable yet (a closed tab): cut once it is.
      room.onLastPeerLeft(() => void room.quiet().then(() => this.#dirty && this.#cut('left'))),
    ];
  }

  /** True while edits since the last revision are not in a revision yet. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Called by the cut in the turn it takes its piece: the senders' names; the room is clean again. */
  take(): string[] {
    const names = [...this.#senders];
    this.#senders.clear();
    this.#dirty = false;
    this.#clearTimers();
    return names;
  }

  /** A cut that took the names was not written: the room is dirty again and tries after a pause. */
  giveBack(names: readonly string[]): void {
    for (const name of names) this.#senders.add(name);
    if (this.#stopped) this.#dirty = true;
    else this.#markDirty();
  }

  /** Stops the timers; cuts once more if dirty and the room neither failed nor was deleted. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimers();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    if (this.#dirty && !this.#room.failed && !this.#room.deleted) await this.#run('stop');
  }

  #markDirty(): void {
    this.#dirty = true;
    if (this.#stopped) return;
    if (this.#pauseTimer) this.#deps.clock.clearTimeout(this.#pauseTimer);
    this.#pauseTimer = this.#deps.clock.setTimeout(() => this.#cut('pause'), REVISION_PAUSE_MS);
    this.#maxTimer ??= this.#deps.clock.setTimeout(() => this.#cut('max'), REVISION_MAX_MS);
  }

  #clearTimers(): void {
    if (this.#pauseTimer) this.#deps.clock.clearTimeout(this.#pauseTimer);
    if (this.#maxTimer) this.#deps.clock.clearTimeout(this.#maxTimer);
    this.#pauseTimer = this.#maxTimer = null;
  }

  #cut(reason: CutReason): void {
    this.#clearTimers();
    if (this.#stopped || this.#room.failed || this.#room.deleted) return;
    void this.#run(reason);
  }

  async #run(reason: CutReason): Promise<void> {
    try {
      await this.#deps.cut(this.#room, this, reason);
    } catch (error) {
      this.#deps.log.warn({ err: error, meetingId: this.#room.id, reason }, 'cutting a revision failed; it is tried again later');
    }
  }
}
