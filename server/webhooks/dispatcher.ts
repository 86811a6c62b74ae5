/**
 * Sends the outbox. Each pending delivery owned by this instance has a timer (on the injected
 * clock) for its next attempt; attempts run a few at a time. A failed attempt is retried after
 * MEETPAD_WEBHOOK_RETRY_MS, doubling each time with ±25% jitter (never more than
 * MAX_RETRY_DELAY_MS apart), until MEETPAD_WEBHOOK_GIVE_UP_MS after the event: then it is
 * "failed", and if nothing got through to its webhook since the event (the receiver failed for that
 * long) the webhook is disabled with the reason. What an attempt writes is built on the webhook as
 * it is then (write-back.ts). Whoever removes webhooks first holds them: their attempts in flight
 * are cut short (writing nothing) and none starts until the removal is written. At start (and,
 * with several instances, when one went silent) the outbox is scanned, so deliveries survive.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import { Errors } from '../errors.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import { sendOnce, type AttemptResult } from './http-sender.js';
import { beyondLog, type NewDelivery } from './outbox.js';
import type { Ownership } from './ownership.js';
import { disabledAfterGivingUp, retryDelay } from './retry-policy.js';
import { openSecret } from './secret-box.js';
import { signedHeaders } from './signature.js';
import type { WebhookKeyring } from './webhook-key.js';
import { PENDING_PREFIX, WEBHOOK_COLLECTIONS, logKey, logPrefix, webhookOfPending, type DeliveryRecord, type WebhookRecord } from './webhook-records.js';
import { writeBack, type Outcome } from './write-back.js';

/** Attempts in flight at once (the rest wait their turn). */
export const MAX_IN_FLIGHT = 8;

/** Dispatcher settings (from the configuration). */
export interface DispatcherSettings {
  retryMs: number;
  giveUpMs: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** What the dispatcher works with. */
export interface DispatcherDeps {
  store: MeetingStore;
  clock: Clock;
  log: FastifyBaseLogger;
  keyring: WebhookKeyring;
  ownership: Ownership;
}

/** One attempt in flight (of the outbox, or a ping). */
interface Flight {
  webhookId: string;
  controller: AbortController;
  /** Its webhook is being removed: the attempt writes nothing. */
  cancelled: boolean;
  /** Settles when the attempt is over (never rejects). */
  done: Promise<void>;
}

/** Webhooks whose sending is held by a removal, and the deliveries that came due meanwhile. */
interface Hold {
  count: number;
  parked: Set<string>;
}

/** Sends pending deliveries, retries them, keeps each webhook's log. */
export class Dispatcher {
  readonly #settings: DispatcherSettings;
  readonly #deps: DispatcherDeps;
  readonly #outbox: RecordCollection<DeliveryRecord>;
  readonly #webhooks: RecordCollection<WebhookRecord>;
  readonly #timers = new Map<string, TimerHandle>();
  readonly #queue: string[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #flights = new Map<string, Flight>();
  /** Per webhook, the pending deliveries this instance sends: scheduled, queued, in flight or parked. */
  readonly #owned = new Map<string, Set<string>>();
  readonly #held = new Map<string, Hold>();
  readonly #abort = new AbortController();
  #stopped = false;

  constructor(settings: DispatcherSettings, deps: DispatcherDeps) {
    this.#settings = settings;
    this.#deps = deps;
    this.#outbox = deps.store.collection<DeliveryRecord>(WEBHOOK_COLLECTIONS.outbox);
    this.#webhooks = deps.store.collection<WebhookRecord>(WEBHOOK_COLLECTIONS.webhooks);
  }

  /** Pending deliveries of a webhook this instance sends (queued, waiting to retry or in flight). */
  pendingOf(webhookId: string): number {
    return this.#owned.get(webhookId)?.size ?? 0;
  }

  /** Schedules deliveries just written (durable) by this instance. */
  added(deliveries: readonly NewDelivery[]): void {
    for (const { key, record } of deliveries) {
      if (record.owner !== this.#deps.ownership.instanceId) continue;
      this.#own(key);
      this.#schedule(key, record.nextAttemptAt ?? this.#deps.clock.now());
    }
  }

  /** Scans the outbox: schedules every pending delivery this instance may send (adopting a dead owner's). */
  async scan(): Promise<void> {
    const { ownership } = this.#deps;
    for (const { key, value } of await this.#outbox.list(PENDING_PREFIX)) {
      if (this.#stopped) return;
      if (this.#owned.get(value.webhookId)?.has(key)) continue;
      if (!(await ownership.mayTake(value.owner))) continue;
      if (value.owner !== ownership.instanceId) await this.#outbox.put(key, { ...value, owner: ownership.instanceId });
      this.#own(key);
      this.#schedule(key, value.nextAttemptAt ?? this.#deps.clock.now());
    }
  }

  /**
   * Holds the webhooks for their removal: their attempts in flight are cut short (they write
   * nothing) and waited for, and none starts until the returned release is called. Once the
   * removal is written, `forget` what it deleted; then release (also when it failed: sending
   * resumes, and what came due meanwhile is tried).
   */
  async hold(webhookIds: readonly string[]): Promise<() => void> {
    for (const id of webhookIds) {
      const hold = this.#held.get(id) ?? { count: 0, parked: new Set<string>() };
      hold.count++;
      this.#held.set(id, hold);
    }
    const flights = [...this.#flights.values()].filter((flight) => webhookIds.includes(flight.webhookId));
    for (const flight of flights) {
      flight.cancelled = true;
      flight.controller.abort();
    }
    await Promise.all(flights.map((flight) => flight.done));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of webhookIds) {
        const hold = this.#held.get(id);
        if (!hold || --hold.count > 0) continue;
        this.#held.delete(id);
        for (const key of hold.parked) this.#schedule(key, this.#deps.clock.now());
      }
    };
  }

  /**
   * Drops what this instance had scheduled for these pending deliveries (a removal deleted them).
   * Only those: a delivery of the same webhooks written meanwhile is still tried, and, finding its
   * webhook gone, removed.
   */
  forget(keys: readonly string[]): void {
    const gone = new Set(keys);
    for (const key of gone) {
      const timer = this.#timers.get(key);
      if (timer) this.#deps.clock.clearTimeout(timer);
      this.#timers.delete(key);
      this.#disown(key);
      this.#held.get(webhookOfPending(key))?.parked.delete(key);
    }
    const kept = this.#queue.filter((key) => !gone.has(key));
    this.#queue.splice(0, this.#queue.length, ...kept);
  }

  /** Sends a ping now, once, outside the outbox (no retries); its record joins the log. A success enables the webhook again. */
  async ping(webhook: WebhookRecord, delivery: DeliveryRecord): Promise<DeliveryRecord> {
    // Being removed: as good as gone.
    if (this.#held.has(webhook.id)) throw new Errors.WebhookNotFound();
    const key = logKey(delivery);
    let over!: () => void;
    const flight: Flight = { webhookId: webhook.id, controller: new AbortController(), cancelled: false, done: new Promise<void>((resolve) => (over = resolve)) };
    this.#flights.set(key, flight);
    try {
      const at = this.#deps.clock.now();
      const result = await this.#send(delivery, at, flight.controller.signal);
      const finished: DeliveryRecord = { ...this.#afterAttempt(delivery, at, result), status: result.ok ? 'delivered' : 'failed', nextAttemptAt: null };
      if (!flight.cancelled) {
        const enable = (current: WebhookRecord): WebhookRecord => ({ ...current, disabled: null, lastSuccessAt: at });
        await writeBack(this.#deps.store, this.#webhooks, { pendingKey: null, delivery: finished, ...(result.ok ? { webhook: enable } : {}) });
        await this.#prune(webhook.id);
      }
      return finished;
    } finally {
      this.#flights.delete(key);
      over();
    }
  }

  /** Stops every timer and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.values()) this.#deps.clock.clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    // An attempt in flight is cut short (a receiver that hangs must not hold up a shutdown); its
    // delivery stays pending and is tried at the next start.
    this.#abort.abort();
    await Promise.all([...this.#running.values(), ...[...this.#flights.values()].map((flight) => flight.done)]);
  }

  #own(key: string): void {
    const id = webhookOfPending(key);
    const keys = this.#owned.get(id) ?? new Set<string>();
    keys.add(key);
    this.#owned.set(id, keys);
  }

  #disown(key: string): void {
    const id = webhookOfPending(key);
    const keys = this.#owned.get(id);
    keys?.delete(key);
    if (keys?.size === 0) this.#owned.delete(id);
  }

  // Due while its webhook is held: tried when the hold ends (unless the removal took it).
  #park(key: string): void {
    const hold = this.#held.get(webhookOfPending(key));
    if (hold) hold.parked.add(key);
    else this.#schedule(key, this.#deps.clock.now());
  }

  #schedule(key: string, at: number): void {
    if (this.#stopped) return;
    const existing = this.#timers.get(key);
    if (existing) this.#deps.clock.clearTimeout(existing);
    const delay = Math.max(0, at - this.#deps.clock.now());
    this.#timers.set(
      key,
      this.#deps.clock.setTimeout(() => {
        this.#timers.delete(key);
        this.#queue.push(key);
        this.#pump();
      }, delay),
    );
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < MAX_IN_FLIGHT && this.#queue.length) {
      const key = this.#queue.shift()!;
      if (this.#running.has(key)) continue;
      const webhookId = webhookOfPending(key);
      const hold = this.#held.get(webhookId);
      if (hold) {
        hold.parked.add(key);
        continue;
      }
      const flight: Flight = { webhookId, controller: new AbortController(), cancelled: false, done: Promise.resolve() };
      const run = this.#attempt(key, flight)
        .catch((error: unknown) => {
          if (flight.cancelled) return this.#park(key);
          // Storage trouble: try again later (the record on disk still says pending).
          this.#deps.log.warn({ err: error }, 'a webhook delivery could not be processed');
          this.#schedule(key, this.#deps.clock.now() + this.#settings.retryMs);
        })
        .finally(() => {
          this.#running.delete(key);
          this.#flights.delete(key);
          this.#pump();
        });
      flight.done = run;
      this.#running.set(key, run);
      this.#flights.set(key, flight);
    }
  }

  async #attempt(key: string, flight: Flight): Promise<void> {
    const delivery = await this.#outbox.get(key);
    if (flight.cancelled) return this.#park(key);
    if (!delivery || delivery.owner !== this.#deps.ownership.instanceId) return this.#disown(key);
    const webhook = await this.#webhooks.get(delivery.webhookKey);
    if (flight.cancelled) return this.#park(key);
    if (!webhook && !delivery.outlivesWebhook) {
      // Its webhook was deleted (itself, or with its meeting or series): nothing more is sent for it.
      await this.#outbox.delete(key);
      return this.#disown(key);
    }
    if (webhook?.disabled) return this.#settle({ pendingKey: key, delivery: { ...delivery, status: 'failed', nextAttemptAt: null, lastError: `webhook disabled: ${webhook.disabled.reason}` } });
    const at = this.#deps.clock.now();
    const result = await this.#send(delivery, at, flight.controller.signal);
    // Its webhook is being removed: the removal decides what stays.
    if (flight.cancelled) return this.#park(key);
    if (this.#stopped && !result.ok) return; // shutting down mid-attempt: the next start retries it
    const next = this.#afterAttempt(delivery, at, result);
    if (result.ok) {
      return this.#settle({ pendingKey: key, delivery: { ...next, status: 'delivered', nextAttemptAt: null }, webhook: (current) => ({ ...current, lastSuccessAt: at }) });
    }
    // Counted from the end of the attempt: one that timed out must not be retried at once.
    const retryAt = this.#deps.clock.now() + retryDelay(this.#settings.retryMs, next.attempts, Math.random());
    if (retryAt > delivery.createdAt + this.#settings.giveUpMs) {
      const failed: DeliveryRecord = { ...next, status: 'failed', nextAttemptAt: null, lastError: `gave up after ${next.attempts} attempts: ${result.error}` };
      const disable = (current: WebhookRecord): WebhookRecord | null => {
        const disabled = disabledAfterGivingUp(current, delivery, at, result.error);
        if (disabled) this.#deps.log.warn({ webhookId: delivery.webhookId, reason: disabled.reason }, 'webhook disabled');
        return disabled ? { ...current, disabled } : null;
      };
      return this.#settle({ pendingKey: key, delivery: failed, webhook: disable });
    }
    const stillPending = await writeBack(this.#deps.store, this.#webhooks, { pendingKey: key, delivery: { ...next, nextAttemptAt: retryAt } });
    if (stillPending) this.#schedule(key, retryAt);
    else this.#disown(key);
  }

  async #send(delivery: DeliveryRecord, at: number, cancel: AbortSignal): Promise<AttemptResult> {
    let secret: string;
    try {
      secret = openSecret(await this.#deps.keyring(), delivery.webhookId, delivery.secret);
    } catch {
      return { ok: false, status: null, error: 'the signing secret cannot be decrypted (MEETPAD_WEBHOOK_KEY changed?)' };
    }
    return sendOnce(delivery.url, signedHeaders(secret, delivery.id, at, delivery.body), delivery.body, {
      allowPrivate: this.#settings.allowPrivate,
      timeoutMs: this.#settings.timeoutMs,
      clock: this.#deps.clock,
      signal: AbortSignal.any([this.#abort.signal, cancel]),
    });
  }

  #afterAttempt(delivery: DeliveryRecord, at: number, result: AttemptResult): DeliveryRecord {
    return { ...delivery, attempts: delivery.attempts + 1, lastAttemptAt: at, lastStatus: result.status, lastError: result.error };
  }

  // A finished delivery: written (moved to the log), no longer this instance's to send, log pruned.
  async #settle(outcome: Outcome): Promise<void> {
    await writeBack(this.#deps.store, this.#webhooks, outcome);
    if (outcome.pendingKey) this.#disown(outcome.pendingKey);
    await this.#prune(outcome.delivery.webhookId);
  }

  // Keeps the log bounded.
  async #prune(webhookId: string): Promise<void> {
    const drop = beyondLog(await this.#outbox.list(logPrefix(webhookId)));
    if (drop.length) await this.#deps.store.writeRecords(drop.map((key) => ({ collection: WEBHOOK_COLLECTIONS.outbox, key, value: null })));
  }
}
