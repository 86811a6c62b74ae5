/**
 * The bus between instances that share one PostgreSQL database (`REDIS_URL`). It plugs into the
 * room's fan-out seam: an entry is published only once it is committed in PostgreSQL, tagged with
 * its meeting and sequence number; other instances holding the meeting apply it through
 * `room.applyDurable` (sent to their clients, never written again). PostgreSQL stays the truth:
 * a gap, a reconnect of the bus, or a head past what a room holds (checked every
 * `busCatchupMs`) makes the room read the missing rows (room-link.ts). Presence is relayed, never
 * stored (presence-relay.ts); heartbeats let the others drop a dead instance's presence after
 * `busPresenceTtlMs`. Deletions close the meeting's sockets everywhere (4404).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { Room, RoomFanout } from '../collab/room.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { PostgresStore } from '../storage/postgres-store.js';
import { BUS_MESSAGE, decodeBusMessage, encodeBusMessage, instancesChannel, meetingChannel, type BusMessage } from './bus-wire.js';
import { PresenceRelay } from './presence-relay.js';
import { RoomLink, type RepairReason } from './room-link.js';
import { RedisTransport } from './redis-transport.js';

/** Bus settings, from the configuration. */
export interface BusOptions {
  redisUrl: string;
  busHeartbeatMs: number;
  busPresenceTtlMs: number;
  busCatchupMs: number;
  /** Channel name prefix (several deployments may share one Redis). */
  prefix?: string;
}

/** What the bus reports (metrics). */
export interface BusObserver {
  /** Seconds from publication to receipt (`kind` update: sender's clock; heartbeat: own round trip). */
  lag?(kind: 'update' | 'heartbeat', seconds: number): void;
  repaired?(reason: RepairReason, rows: number): void;
  redisUp?(up: boolean): void;
  publishFailed?(): void;
  instances?(count: number): void;
}

interface Linked {
  room: Room;
  link: RoomLink;
  presence: PresenceRelay;
}

/** Joins this instance to the others through Redis. */
export class MeetingBus implements RoomFanout {
  /** This process's id on the bus (new at every start). */
  readonly instanceId = randomUUID();
  readonly #store: PostgresStore;
  readonly #options: Required<BusOptions>;
  readonly #clock: Clock;
  readonly #log: FastifyBaseLogger;
  readonly #observer: BusObserver;
  readonly #transport: RedisTransport;
  readonly #rooms = new Map<string, Linked>();
  readonly #seen = new Map<string, number>();
  #registry: RoomRegistry | null = null;
  #timers: TimerHandle[] = [];
  #wasUp = false;
  #closed = false;

  constructor(store: PostgresStore, options: BusOptions, deps: { clock: Clock; log: FastifyBaseLogger; observer?: BusObserver }) {
    this.#store = store;
    this.#options = { prefix: 'meetpad:', ...options };
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#observer = deps.observer ?? {};
    this.#transport = new RedisTransport(
      options.redisUrl,
      // Own heartbeats come back every busHeartbeatMs: a subscriber silent past the TTL is cut.
      { silenceMs: Math.max(options.busPresenceTtlMs, options.busHeartbeatMs * 3), connectTimeoutMs: options.busPresenceTtlMs },
      {
        message: (bytes) => this.#onMessage(bytes),
        ready: () => this.#onReady(),
        down: (error) => this.#onDown(error),
      },
    );
    this.#transport.subscribe(instancesChannel(this.#options.prefix));
  }

  /** Starts following the registry's rooms, and connects. */
  attach(registry: RoomRegistry): void {
    this.#registry = registry;
    registry.onRoom((room) => this.#link(room));
    this.#transport.start();
    this.#every(this.#options.busHeartbeatMs, () => this.#heartbeat());
    this.#every(this.#options.busCatchupMs, () => this.#catchUp());
  }

  /** Whether Redis is reachable. */
  get up(): boolean {
    return this.#transport.up;
  }

  /** RoomFanout: an entry of this instance is committed. */
  published(meetingId: string, update: Uint8Array, seq: number): void {
    this.#publish(meetingChannel(this.#options.prefix, meetingId), { type: BUS_MESSAGE.update, instance: this.instanceId, meetingId, seq, sentAt: this.#clock.now(), update });
  }

  /** RoomFanout: the meeting was deleted here. */
  deleted(meetingId: string): void {
    this.#publish(meetingChannel(this.#options.prefix, meetingId), { type: BUS_MESSAGE.deleted, instance: this.instanceId, meetingId });
  }

  /** Says goodbye (the others drop this instance's presence at once) and disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    await this.#publish(instancesChannel(this.#options.prefix), { type: BUS_MESSAGE.leaving, instance: this.instanceId });
    await this.#transport.close();
  }

  #link(room: Room): () => void {
    const channel = meetingChannel(this.#options.prefix, room.id);
    const link = new RoomLink(room, {
      clock: this.#clock,
      readRowsAfter: (id, after) => this.#store.readRowsAfter(id, after),
      gone: (id) => this.#closeDeleted(id, 'its rows are gone from PostgreSQL'),
      repaired: (reason, rows) => this.#observer.repaired?.(reason, rows),
      failed: (error) => this.#log.warn({ err: error, meetingId: room.id }, 'reading missed updates from PostgreSQL failed; retrying'),
    });
    const presence = new PresenceRelay(room, (payload) => this.#publish(channel, { type: BUS_MESSAGE.awareness, instance: this.instanceId, meetingId: room.id, payload }));
    const stopEntries = room.onDurableEntry((_update, seq) => link.noteOwn(seq));
    const linked: Linked = { room, link, presence };
    this.#rooms.set(room.id, linked);
    this.#transport.subscribe(channel);
    // Whatever was published between the load and the subscription, and who is present elsewhere
    // (repair never rejects: its failures go to `failed` above).
    void link.repair('load');
    this.#publish(channel, { type: BUS_MESSAGE.queryAwareness, instance: this.instanceId, meetingId: room.id });
    return () => {
      link.stop();
      // Publishes the removals of the clients the room just closed before it stops relaying.
      presence.stop();
      stopEntries();
      if (this.#rooms.get(room.id) === linked) {
        this.#rooms.delete(room.id);
        this.#transport.unsubscribe(channel);
      }
    };
  }

  #onMessage(bytes: Uint8Array): void {
    let message: BusMessage;
    try {
      message = decodeBusMessage(bytes);
    } catch (error) {
      this.#log.warn({ err: error }, 'dropped a malformed bus message');
      return;
    }
    if (message.instance === this.instanceId) {
      if (message.type === BUS_MESSAGE.heartbeat) this.#observer.lag?.('heartbeat', Math.max(0, this.#clock.now() - message.sentAt) / 1000);
      return;
    }
    this.#seen.set(message.instance, this.#clock.now());
    const linked = 'meetingId' in message ? this.#rooms.get(message.meetingId) : undefined;
    try {
      switch (message.type) {
        case BUS_MESSAGE.update:
          this.#observer.lag?.('update', Math.max(0, this.#clock.now() - message.sentAt) / 1000);
          linked?.link.receive(message.seq, message.update);
          break;
        case BUS_MESSAGE.awareness:
          linked?.presence.receive(message.instance, message.payload);
          break;
        case BUS_MESSAGE.queryAwareness:
          linked?.presence.announceAll();
          break;
        case BUS_MESSAGE.deleted:
          if (linked) this.#closeDeleted(message.meetingId, `instance ${message.instance} deleted it`);
          break;
        case BUS_MESSAGE.leaving:
          this.#expire(message.instance);
          break;
        case BUS_MESSAGE.heartbeat:
          break;
      }
    } catch (error) {
      this.#log.warn({ err: error, instance: message.instance }, 'a bus message could not be applied');
    }
  }

  // (Re)connected: anything published meanwhile was missed; read it, and ask who is present.
  #onReady(): void {
    if (!this.#wasUp) this.#log.info({ instance: this.instanceId }, 'bus connected');
    this.#wasUp = true;
    this.#observer.redisUp?.(true);
    for (const { room, link } of this.#rooms.values()) {
      void link.repair('reconnect'); // never rejects
      this.#publish(meetingChannel(this.#options.prefix, room.id), { type: BUS_MESSAGE.queryAwareness, instance: this.instanceId, meetingId: room.id });
    }
  }

  #onDown(error: unknown): void {
    this.#observer.redisUp?.(false);
    if (this.#wasUp) this.#log.warn({ err: error }, 'bus connection lost; updates from other instances arrive through PostgreSQL until it is back');
    this.#wasUp = false;
  }

  // Deleted elsewhere: its sockets here get 4404.
  #closeDeleted(id: string, why: string): void {
    this.#log.info({ meetingId: id, why }, 'closing a meeting deleted elsewhere');
    this.#registry?.closeDeleted(id).catch((error: unknown) => this.#log.warn({ err: error, meetingId: id }, 'closing a meeting deleted elsewhere failed'));
  }

  #heartbeat(): void {
    this.#observer.redisUp?.(this.#transport.up);
    void this.#publish(instancesChannel(this.#options.prefix), { type: BUS_MESSAGE.heartbeat, instance: this.instanceId, sentAt: this.#clock.now() }); // never rejects
    const now = this.#clock.now();
    for (const [instance, at] of this.#seen) if (now - at > this.#options.busPresenceTtlMs) this.#expire(instance);
    this.#observer.instances?.(this.#seen.size);
  }

  #expire(instance: string): void {
    this.#seen.delete(instance);
    for (const { presence } of this.#rooms.values()) presence.expire(instance);
  }

  // Silence is not proof of nothing: compare every room with PostgreSQL's heads.
  async #catchUp(): Promise<void> {
    if (this.#rooms.size === 0) return;
    // Only the rooms asked about: one that loaded while the query ran is not in its answer.
    const asked = [...this.#rooms.values()];
    let heads: Map<string, number>;
    try {
      heads = await this.#store.heads(asked.map(({ room }) => room.id));
    } catch {
      return; // PostgreSQL away: the rooms find out when they write
    }
    for (const linked of asked) {
      if (this.#rooms.get(linked.room.id) !== linked) continue; // stopped meanwhile
      const head = heads.get(linked.room.id);
      if (head === undefined) this.#closeDeleted(linked.room.id, 'PostgreSQL no longer holds it');
      else linked.link.checkHead(head);
    }
  }

  // Never rejects (callers fire and forget): a failure is counted, or logged if even that throws.
  #publish(channel: string, message: BusMessage): Promise<void> {
    return Promise.resolve()
      .then(() => this.#transport.publish(channel, encodeBusMessage(message)))
      .then((ok) => {
        if (!ok && !this.#closed) this.#observer.publishFailed?.();
      })
      .catch((error: unknown) => this.#log.warn({ err: error, channel }, 'publishing on the bus failed'));
  }

  // A repeating timer on the injected clock; a slow round never overlaps the next.
  #every(ms: number, work: () => void | Promise<void>): void {
    const slot = this.#timers.length;
    const tick = (): void => {
      if (this.#closed) return;
      // Started inside the chain, so a round that throws at once is caught like one that rejects.
      void Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.#log.warn({ err: error }, 'a bus round failed'))
        .finally(() => {
          if (!this.#closed) this.#timers[slot] = this.#clock.setTimeout(tick, ms);
        });
    };
    this.#timers.push(this.#clock.setTimeout(tick, ms));
  }
}
