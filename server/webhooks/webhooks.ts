/**
 * Webhooks (GUIDE 1.11), wired: the outbox's dispatcher, the change tracker behind the debounced
 * meeting.updated, the announcer that turns changes into deliveries (created and deleted meetings
 * in the same batch as the meeting itself), and the service behind the routes.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Revision } from '../../shared/api-types.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { Config } from '../config.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MinutesService } from '../minutes/minutes-service.js';
import type { SeriesService } from '../series/series-service.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { ChangeTracker } from './change-tracker.js';
import { Dispatcher } from './dispatcher.js';
import { Ownership } from './ownership.js';
import { seriesRemoval } from './removal.js';
import { WebhookAnnouncer } from './webhook-announcer.js';
import { webhookKeyring } from './webhook-key.js';
import { WebhookService } from './webhook-service.js';

/** What webhooks hang off. */
export interface WebhooksDeps {
  config: Config;
  store: MeetingStore;
  registry: RoomRegistry;
  meetings: MeetingService;
  series: SeriesService;
  minutes: MinutesService;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** The webhooks of one server. */
export class Webhooks {
  readonly service: WebhookService;
  readonly #dispatcher: Dispatcher;
  readonly #tracker: ChangeTracker;
  readonly #ownership: Ownership;
  readonly #announcer: WebhookAnnouncer;
  readonly #store: MeetingStore;
  readonly #log: FastifyBaseLogger;
  readonly #clock: Clock;
  readonly #retryMs: number;
  #retry: TimerHandle | null = null;
  #closed = false;

  constructor({ config, store, registry, meetings, series, minutes, clock, log }: WebhooksDeps) {
    this.#log = log;
    this.#clock = clock;
    this.#retryMs = config.webhookRetryMs;
    // Several instances on one database: only one sends each delivery, and the key must be shared.
    const shared = config.store === 'postgres';
    const keyring = webhookKeyring({ configured: config.webhookKey, dataDir: shared ? null : config.dataDir });
    this.#ownership = new Ownership(store, clock, shared);
    const timing = { retryMs: config.webhookRetryMs, giveUpMs: config.webhookGiveUpMs, timeoutMs: config.webhookTimeoutMs, allowPrivate: config.webhookAllowPrivate };
    this.#dispatcher = new Dispatcher(timing, { store, clock, log, keyring, ownership: this.#ownership });
    this.#store = store;
    const announcer = (this.#announcer = new WebhookAnnouncer({ store, meetings, minutes, dispatcher: this.#dispatcher, ownership: this.#ownership, clock, publicUrl: config.publicUrl }));
    this.#tracker = new ChangeTracker(
      { store, registry, clock, log, ownership: this.#ownership, announce: (id) => announcer.changed(id) },
      { debounceMs: config.webhookDebounceMs, retryMs: config.webhookRetryMs },
    );
    meetings.addLifecycleWrites({ created: (record, content, also) => announcer.created(record, content, also), deleted: (record) => announcer.deleted(record) });
    series.addDeletionWrites((record) => seriesRemoval(store, this.#dispatcher, record.id));
    this.service = new WebhookService({ store, clock, keyring, dispatcher: this.#dispatcher, ownership: this.#ownership, allowPrivate: config.webhookAllowPrivate });
  }

  /** Picks up what the outbox and the change markers hold (a restart, or a dead instance's work). */
  async start(): Promise<void> {
    await this.#ownership.start(() => this.#scan());
    if (!this.#ownership.shared) await this.#scan();
  }

  /** Announces a named revision (revision.named): its deliveries are queued once durable. */
  async revisionNamed(meetingId: string, revision: Revision): Promise<void> {
    const plan = await this.#announcer.revisionNamed(meetingId, revision);
    if (plan.writes.length === 0) return;
    await this.#store.writeRecords(plan.writes);
    plan.committed();
  }

  /** Stops sending (what is pending stays in the outbox for the next start). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) this.#clock.clearTimeout(this.#retry);
    await this.#tracker.stop();
    await this.#dispatcher.stop();
    await this.#ownership.stop();
  }

  async #scan(): Promise<boolean> {
    try {
      await this.#tracker.scan();
      await this.#dispatcher.scan();
      return true;
    } catch (error) {
      this.#log.warn({ err: error }, 'the webhook outbox could not be read; trying again');
      // With several instances the next heartbeat scans again; alone, nothing else would.
      if (!this.#ownership.shared && !this.#closed) this.#retry = this.#clock.setTimeout(() => void this.#scan(), this.#retryMs);
      return false;
    }
  }
}
