/**
 * The JSON schemas of the webhook routes (GUIDE 1.11): bodies and answers, with examples, for
 * validation, serialization and /api/openapi.json alike.
 */
import { isoTime } from '../http/api-schemas.js';
import { MAX_URL_LENGTH } from './target-check.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';

const WEBHOOK_ID = 'wh_3kT9vQ2mX8pL1sD4';
const DELIVERY_ID = 'msg_Zq8rT2mVx9LkP4sD1wE7yA';

const event = { type: 'string', enum: WEBHOOK_EVENTS, examples: ['meeting.ended'] } as const;
const format = { type: 'string', enum: ['json', 'chat'], description: '`json`: `{ type, timestamp, data }`; `chat`: `{ text }` for Slack, Mattermost and Rocket.Chat incoming webhooks.' } as const;
const url = { type: 'string', minLength: 1, maxLength: MAX_URL_LENGTH, description: 'http or https; private, loopback and link-local targets are refused unless MEETPAD_WEBHOOK_ALLOW_PRIVATE.', examples: ['https://chat.example.org/hooks/Xk2p9'] } as const;
const events = { type: 'array', minItems: 1, maxItems: 16, uniqueItems: true, items: event, examples: [['meeting.ended', 'action_item.created']] } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time', examples: ['2026-01-05T09:00:00.000Z'] } as const;

/** `:wid` (and the scope's `:id` where it has one). */
export const widParam = { type: 'string', pattern: '^wh_[A-Za-z0-9_-]{8,64}$', description: 'The webhook id.', examples: [WEBHOOK_ID] } as const;

/** `POST <scope>/webhooks` body. */
export const createWebhookBody = {
  type: 'object',
  required: ['url', 'events'],
  additionalProperties: false,
  properties: { url, events, format: { ...format, default: 'json' } },
  examples: [{ url: 'https://chat.example.org/hooks/Xk2p9', events: ['meeting.ended'], format: 'chat' }],
} as const;

/** One delivery of an event. */
export const delivery = {
  type: 'object',
  required: ['id', 'event', 'status', 'attempts', 'createdAt', 'lastAttemptAt', 'nextAttemptAt', 'lastStatus', 'lastError'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'The `webhook-id` header: the idempotency id (the same on every retry).', examples: [DELIVERY_ID] },
    event,
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'], description: '`pending`: queued or retrying; `failed`: given up.' },
    attempts: { type: 'integer', minimum: 0 },
    createdAt: isoTime,
    lastAttemptAt: nullableTime,
    nextAttemptAt: nullableTime,
    lastStatus: { type: ['integer', 'null'], description: "The receiver's HTTP status at the last attempt; null when it did not answer." },
    lastError: { type: ['string', 'null'], examples: ['the receiver answered 503'] },
  },
} as const;

/** `POST <scope>/webhooks` → 201. */
export const createdWebhook = {
  type: 'object',
  description: 'The new webhook, with its signing secret: the only answer that ever contains it.',
  required: ['id', 'url', 'events', 'format', 'secret', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', examples: [WEBHOOK_ID] },
    url: { type: 'string' },
    events,
    format,
    secret: { type: 'string', description: '`whsec_` + base64 of 32 random bytes (Standard Webhooks).', examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] },
    createdAt: isoTime,
  },
} as const;

/** `GET <scope>/webhooks` → 200. */
export const webhookList = {
  type: 'object',
  description: "The scope's webhooks, oldest first, each with its recent deliveries.",
  required: ['webhooks'],
  additionalProperties: false,
  properties: {
    webhooks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'url', 'events', 'format', 'createdAt', 'disabled', 'deliveries'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', examples: [WEBHOOK_ID] },
          url: { type: 'string' },
          events,
          format,
          createdAt: isoTime,
          disabled: {
            description: 'Why the server stopped sending to it (a successful ping enables it again), or null.',
            anyOf: [{ type: 'null' }, { type: 'object', required: ['at', 'reason'], additionalProperties: false, properties: { at: isoTime, reason: { type: 'string' } } }],
          },
          deliveries: { type: 'array', maxItems: 20, items: delivery, description: 'The 20 most recent, newest first.' },
        },
      },
    },
  },
} as const;

/** `POST <scope>/webhooks/:wid/ping` → 200. */
export const pingAnswer = {
  type: 'object',
  description: 'The result of the one attempt: `delivered`, or `failed` with the reason in `lastError`.',
  required: ['delivery'],
  additionalProperties: false,
  properties: { delivery },
} as const;
