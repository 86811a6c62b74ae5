/**
 * The Redis side of the bus: a publishing connection and a subscribing one (a subscriber can do
 * nothing else), both reconnecting on their own. Nothing is queued while Redis is away: publishing
 * is best effort (PostgreSQL holds every update; receivers read what they missed), so memory stays
 * bounded whatever Redis does. A subscriber that hears nothing for `silenceMs` (not even this
 * instance's own heartbeat) is cut and reconnected: a half-open connection cannot linger.
 */
import { createClient } from 'redis';

/** What the transport reports. */
export interface TransportEvents {
  message(bytes: Buffer, channel: string): void;
  /** The subscriber is (again) connected and subscribed: whatever was published meanwhile was missed. */
  ready(): void;
  /** A connection is down (Redis stopped, network cut); it reconnects by itself. */
  down(error: unknown): void;
}

type Client = ReturnType<typeof createClient>;

// Reconnect quickly at first, then every RECONNECT_MAX_MS at most.
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_MS = 2000;

/** Publishes and subscribes on one Redis. */
export class RedisTransport {
  readonly #publisher: Client;
  readonly #subscriber: Client;
  readonly #channels = new Set<string>();
  readonly #events: TransportEvents;
  #closed = false;

  constructor(url: string, options: { silenceMs: number; connectTimeoutMs: number }, events: TransportEvents) {
    this.#events = events;
    const socket = {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min((retries + 1) * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
    };
    this.#publisher = createClient({ url, disableOfflineQueue: true, socket: { ...socket, socketTimeout: options.silenceMs } });
    this.#subscriber = createClient({ url, disableOfflineQueue: true, socket: { ...socket, socketTimeout: options.silenceMs } });
    for (const client of [this.#publisher, this.#subscriber]) client.on('error', (error: unknown) => this.#events.down(error));
    // A listener that throws is reported as the bus being down, never an unhandled rejection.
    this.#subscriber.on('ready', () => void this.#resubscribe().catch((error: unknown) => this.#events.down(error)));
  }

  /** Connects in the background (an instance starts, and serves, without Redis). */
  start(): void {
    for (const client of [this.#publisher, this.#subscriber]) client.connect().catch((error: unknown) => this.#events.down(error));
  }

  /** Whether both connections are up. */
  get up(): boolean {
    return this.#publisher.isReady && this.#subscriber.isReady;
  }

  /** Listens to `channel` (now, and again after every reconnect). */
  subscribe(channel: string): void {
    this.#channels.add(channel);
    if (this.#subscriber.isReady) this.#subscriber.subscribe(channel, this.#onMessage, true).catch(() => {});
  }

  /** Stops listening to `channel`. */
  unsubscribe(channel: string): void {
    this.#channels.delete(channel);
    if (this.#subscriber.isReady) this.#subscriber.unsubscribe(channel, this.#onMessage, true).catch(() => {});
  }

  /** Publishes; resolves false when it could not (Redis away), never rejects. */
  publish(channel: string, bytes: Buffer): Promise<boolean> {
    if (!this.#publisher.isReady) return Promise.resolve(false);
    return this.#publisher.publish(channel, bytes).then(
      () => true,
      () => false,
    );
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#publisher, this.#subscriber].map((client) => (client.isOpen ? client.close().catch(() => client.destroy()) : undefined)));
  }

  // The same listener function for every channel: subscribing twice (node-redis resubscribes on
  // its own after a reconnect too) never delivers a message twice.
  readonly #onMessage = (message: Buffer, channel: Buffer): void => this.#events.message(message, channel.toString());

  async #resubscribe(): Promise<void> {
    const channels = [...this.#channels];
    try {
      if (channels.length) await this.#subscriber.subscribe(channels, this.#onMessage, true);
    } catch (error) {
      this.#events.down(error);
      return;
    }
    if (!this.#closed) this.#events.ready();
  }
}
