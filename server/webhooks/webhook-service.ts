/**
 * The webhooks of a scope (a meeting, a series, the server): add (the secret is shown once, then
 * kept encrypted), list with recent deliveries, remove (with its pending deliveries), ping.
 */
import { randomBytes } from 'node:crypto';
import type { CreatedWebhook, WebhookDelivery, WebhookEvent, WebhookFormat, WebhookInfo } from '../../shared/api-types.js';
import type { Clock } from '../clock.js';
import { Errors } from '../errors.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import type { Dispatcher } from './dispatcher.js';
import { LOG_LENGTH, newDelivery } from './outbox.js';
import { deletedPending, removalWrites } from './removal.js';
import type { Ownership } from './ownership.js';
import { sealSecret } from './secret-box.js';
import { newSecret } from './signature.js';
import { checkTarget } from './target-check.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';
import type { WebhookKeyring } from './webhook-key.js';
import { WEBHOOK_COLLECTIONS, deliveryView, logPrefix, pendingPrefix, scopePrefix, webhookKey, webhookView, type DeliveryRecord, type WebhookRecord, type WebhookScope } from './webhook-records.js';
import { scopeExists } from './write-back.js';

/** Webhooks one scope may have. */
export const MAX_WEBHOOKS_PER_SCOPE = 20;

/** What a new webhook says. */
export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  format?: WebhookFormat | undefined;
}

/** What the service needs. */
export interface WebhookServiceDeps {
  store: MeetingStore;
  clock: Clock;
  keyring: WebhookKeyring;
  dispatcher: Dispatcher;
  ownership: Ownership;
  allowPrivate: boolean;
}

/** Webhook operations behind the routes. */
export class WebhookService {
  readonly #deps: WebhookServiceDeps;
  readonly #webhooks: RecordCollection<WebhookRecord>;
  readonly #outbox: RecordCollection<DeliveryRecord>;

  constructor(deps: WebhookServiceDeps) {
    this.#deps = deps;
    this.#webhooks = deps.store.collection<WebhookRecord>(WEBHOOK_COLLECTIONS.webhooks);
    this.#outbox = deps.store.collection<DeliveryRecord>(WEBHOOK_COLLECTIONS.outbox);
  }

  /** Adds a webhook; `origin` is the address the request came through (links in payloads). */
  async create(scope: WebhookScope, input: WebhookInput, origin: string | null): Promise<CreatedWebhook> {
    const key = await this.#deps.keyring();
    const unknown = input.events.filter((event) => !WEBHOOK_EVENTS.includes(event));
    if (unknown.length) throw new Errors.BadWebhookEvents(`unknown events: ${unknown.join(', ')} (known: ${WEBHOOK_EVENTS.join(', ')})`);
    if (new Set(input.events).size !== input.events.length) throw new Errors.BadWebhookEvents('an event is listed twice');
    const url = (await checkTarget(input.url, this.#deps.allowPrivate)).toString();
    if ((await this.#webhooks.list(scopePrefix(scope))).length >= MAX_WEBHOOKS_PER_SCOPE) throw new Errors.TooManyWebhooks(String(MAX_WEBHOOKS_PER_SCOPE));
    const id = `wh_${randomBytes(12).toString('base64url')}`;
    const secret = newSecret();
    const record: WebhookRecord = {
      id,
      scope,
      url,
      events: input.events,
      format: input.format ?? 'json',
      secret: sealSecret(key, id, secret),
      createdAt: new Date(this.#deps.clock.now()).toISOString(),
      origin,
      lastSuccessAt: null,
      disabled: null,
    };
    await this.#webhooks.put(webhookKey(scope, id), record);
    // A deletion of its meeting or series that settled meanwhile took their webhooks, not this one written after it.
    if (!(await scopeExists(this.#deps.store, scope))) {
      await this.#webhooks.delete(webhookKey(scope, id));
      throw scope.kind === 'meeting' ? new Errors.MeetingDeleted() : new Errors.SeriesDeleted();
    }
    return { id, url, events: record.events, format: record.format, secret, createdAt: record.createdAt };
  }

  /** The scope's webhooks, oldest first, each with its most recent deliveries (newest first). */
  async list(scope: WebhookScope): Promise<WebhookInfo[]> {
    const webhooks = await this.#webhooks.list(scopePrefix(scope));
    return Promise.all(
      webhooks.map(async ({ value }) => {
        const lists = await Promise.all([this.#outbox.list(pendingPrefix(value.id)), this.#outbox.list(logPrefix(value.id))]);
        const deliveries = lists.flat().map((entry) => entry.value);
        const recent = deliveries.sort((a, b) => b.createdAt - a.createdAt).slice(0, LOG_LENGTH);
        return webhookView(value, recent.map(deliveryView));
      }),
    );
  }

  /** Removes a webhook and its deliveries (pending ones are not sent; one in flight is cut short and writes nothing). */
  async delete(scope: WebhookScope, id: string): Promise<void> {
    const key = webhookKey(scope, id);
    if (!(await this.#webhooks.get(key))) throw new Errors.WebhookNotFound();
    const { dispatcher } = this.#deps;
    const release = await dispatcher.hold([id]);
    try {
      const removals = await removalWrites(this.#outbox, [id]);
      await this.#deps.store.writeRecords([{ collection: WEBHOOK_COLLECTIONS.webhooks, key, value: null }, ...removals]);
      dispatcher.forget(deletedPending(removals));
    } finally {
      release();
    }
  }

  /** Sends a ping now, once; a success re-enables a disabled webhook. */
  async ping(scope: WebhookScope, id: string): Promise<WebhookDelivery> {
    const webhook = await this.#webhooks.get(webhookKey(scope, id));
    if (!webhook) throw new Errors.WebhookNotFound();
    await this.#deps.keyring();
    const { record } = newDelivery(webhook, { type: 'ping', at: this.#deps.clock.now(), dataFor: () => ({ webhook: { id } }) }, this.#deps.ownership.instanceId);
    return deliveryView(await this.#deps.dispatcher.ping(webhook, record));
  }
}
