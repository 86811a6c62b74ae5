/**
 * Which instance sends what. Every delivery and change marker names the instance that wrote it,
 * and only that one sends it, so instances sharing one database never all send the same
 * delivery. On its own (LevelDB: one process per data directory) an instance adopts everything at
 * start, the previous process being gone. With several instances, each writes a heartbeat every
 * HEARTBEAT_MS and reads the others' (a few small records); the outbox is scanned only when there
 * is work to adopt: at start, and when an instance has been silent for STALE_AFTER_MS or said it
 * stopped. Its work is adopted (owner rewritten) by whichever instance scans, which then removes
 * the dead instance's heartbeat, so the next beats scan no more. Two instances adopting at once
 * may both send a delivery: receivers deduplicate on webhook-id (at-least-once).
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import { WEBHOOK_COLLECTIONS, heartbeatKey, type Heartbeat } from './webhook-records.js';

/** How often a shared instance says it is alive (and looks for instances that went silent). */
export const HEARTBEAT_MS = 15_000;
/** An instance silent this long is taken for dead. */
export const STALE_AFTER_MS = 4 * HEARTBEAT_MS;

/** Adopts what dead instances left (scans the outbox); resolves false if it could not. */
export type Adopt = () => Promise<boolean>;

/** This instance's identity and its view of the others. */
export class Ownership {
  readonly instanceId = `i_${randomUUID()}`;
  readonly shared: boolean;
  readonly #beats: RecordCollection<Heartbeat>;
  readonly #clock: Clock;
  #timer: TimerHandle | null = null;
  #cycle: Promise<void> = Promise.resolve();
  #mustAdopt = true;
  #stopped = false;

  constructor(store: MeetingStore, clock: Clock, shared: boolean) {
    this.shared = shared;
    this.#clock = clock;
    this.#beats = store.collection<Heartbeat>(WEBHOOK_COLLECTIONS.instances);
  }

  /** Starts the heartbeat (shared only): written before this resolves; `adopt` runs when there is work to adopt. */
  async start(adopt: Adopt): Promise<void> {
    if (!this.shared) return;
    await this.#beat();
    this.#cycle = this.#adoptIfNeeded(adopt);
  }

  /** Whether this instance may send work owned by `owner` (adopting it if that one is dead). */
  async mayTake(owner: string): Promise<boolean> {
    if (owner === this.instanceId || !this.shared) return true;
    const beat = await this.#beats.get(heartbeatKey(owner));
    return !beat || this.#dead(beat);
  }

  /** Stops the heartbeat and marks this instance stopped (the others adopt what is left at their next beat). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    await this.#cycle;
    if (this.shared) await this.#beats.put(heartbeatKey(this.instanceId), { at: this.#clock.now(), stopped: true }).catch(() => {});
  }

  #dead(beat: Heartbeat): boolean {
    return beat.stopped === true || this.#clock.now() - beat.at > STALE_AFTER_MS;
  }

  async #beat(): Promise<void> {
    await this.#beats.put(heartbeatKey(this.instanceId), { at: this.#clock.now() }).catch(() => {});
  }

  // Adopts when needed, prunes the heartbeats of the instances adopted from, and beats again later.
  async #adoptIfNeeded(adopt: Adopt): Promise<void> {
    try {
      const beats = await this.#beats.list();
      const dead = beats.filter(({ key, value }) => key !== heartbeatKey(this.instanceId) && this.#dead(value)).map(({ key }) => key);
      if (!this.#stopped && (this.#mustAdopt || dead.length) && (await adopt())) {
        this.#mustAdopt = false;
        // Their work is ours now; an instance that comes back writes its heartbeat again.
        for (const key of dead) await this.#beats.delete(key);
      }
    } catch {
      // Storage trouble: the next beat tries again (nothing is pruned before its work is adopted).
    }
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#cycle = this.#beat().then(() => (this.#stopped ? undefined : this.#adoptIfNeeded(adopt)));
    }, HEARTBEAT_MS);
  }
}
