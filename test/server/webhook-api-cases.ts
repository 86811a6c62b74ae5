/**
 * The drift test's cases (openapi-cases.ts) of the webhook routes, for each scope. The shared
 * server refuses private targets, so webhooks made there point at a public address literal and
 * subscribe to `ping` only: nothing is ever sent to it by itself. A ping's success case runs on an
 * app of its own holding a webhook at a loopback address, written straight into its store: the
 * attempt is refused at once (no network), and the answer is the 200 with the failed delivery.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import type { MeetpadApp } from '../../server/app.js';
import { hashKey } from '../../server/security/keys.js';
import { sealSecret } from '../../server/webhooks/secret-box.js';
import { WEBHOOK_COLLECTIONS, webhookKey, type WebhookRecord, type WebhookScope } from '../../server/webhooks/webhook-records.js';
import type { ApiCase, RouteCases } from './openapi-cases.js';
import { bearer, type Fixtures } from './openapi-fixtures.js';

// A public address literal: accepted without a DNS lookup, never contacted (ping-only webhooks).
const PUBLIC_TARGET = 'https://93.184.215.14/meetpad-hook';
const OWN = { meetingId: 'driftWebhookMeeting01', seriesId: 'driftWebhookSeries001', key: 'drift-own-edit-key-0123456789', wid: 'wh_driftPing000001' };

interface Scope {
  path: (fx: Fixtures) => string;
  editKey: (fx: Fixtures) => string;
  viewKey?: (fx: Fixtures) => string;
  own: WebhookScope;
  ownPath: string;
}

const SCOPES: Record<string, Scope> = {
  '/api/meetings/:id/webhooks': {
    path: (fx) => `/api/meetings/${fx.meeting.id}/webhooks`,
    editKey: (fx) => fx.meeting.editKey,
    viewKey: (fx) => fx.meeting.viewKey,
    own: { kind: 'meeting', id: OWN.meetingId },
    ownPath: `/api/meetings/${OWN.meetingId}/webhooks`,
  },
  '/api/series/:id/webhooks': {
    path: (fx) => `/api/series/${fx.series.id}/webhooks`,
    editKey: (fx) => fx.series.editKey,
    viewKey: (fx) => fx.series.viewKey,
    own: { kind: 'series', id: OWN.seriesId },
    ownPath: `/api/series/${OWN.seriesId}/webhooks`,
  },
  '/api/admin/webhooks': {
    path: () => '/api/admin/webhooks',
    editKey: (fx) => fx.tokens.admin,
    own: { kind: 'server' },
    ownPath: '/api/admin/webhooks',
  },
};

const newWebhook = async (fx: Fixtures, scope: Scope): Promise<string> => {
  const response = await fx.send({ method: 'POST', url: scope.path(fx), headers: bearer(scope.editKey(fx)), payload: { url: PUBLIC_TARGET, events: ['ping'] } });
  if (response.status !== 201) throw new Error(`webhook not created: ${response.status} ${response.body}`);
  return (JSON.parse(response.body) as { id: string }).id;
};

// The own app's meeting, series (both opened by OWN.key) and a webhook at a loopback address.
const withLoopbackWebhook =
  (scope: WebhookScope) =>
  async (app: MeetpadApp): Promise<void> => {
    const { store } = app.meetpad;
    const now = new Date().toISOString();
    const hashes = { editKeyHash: hashKey(OWN.key), viewKeyHash: hashKey(`${OWN.key}-view`) };
    await store.createMeeting({ id: OWN.meetingId, title: 'Own', createdAt: now, updatedAt: now, ...hashes }, Y.encodeStateAsUpdate(new Y.Doc()));
    const series = { id: OWN.seriesId, title: 'Own', cadence: 'weekly', template: '', firstDate: null, createdAt: now, meetings: [], ...hashes };
    const webhook: WebhookRecord = {
      id: OWN.wid,
      scope,
      url: 'http://127.0.0.1:9/hook',
      events: ['ping'],
      format: 'json',
      secret: sealSecret(randomBytes(32), OWN.wid, 'whsec_unused'),
      createdAt: now,
      origin: null,
      lastSuccessAt: null,
      disabled: null,
    };
    await store.writeRecords([
      { collection: 'series', key: OWN.seriesId, value: series },
      { collection: WEBHOOK_COLLECTIONS.webhooks, key: webhookKey(scope, OWN.wid), value: webhook },
    ]);
  };

const refusedView = (scope: Scope, request: (fx: Fixtures, key: string) => ReturnType<ApiCase['request']>): ApiCase[] =>
  scope.viewKey ? [{ name: 'view key', status: 403, request: (fx) => request(fx, scope.viewKey!(fx)) }] : [{ name: 'wrong token', status: 401, request: (fx) => request(fx, 'not-the-admin-token') }];

const casesOf = (path: string, scope: Scope): Record<string, RouteCases> => ({
  [`POST ${path}`]: {
    ok: [{ name: 'a webhook', status: 201, request: (fx) => ({ method: 'POST', url: scope.path(fx), headers: bearer(scope.editKey(fx)), payload: { url: PUBLIC_TARGET, events: ['ping'], format: 'chat' } }) }],
    errors: [
      ...refusedView(scope, (fx, key) => ({ method: 'POST', url: scope.path(fx), headers: bearer(key), payload: { url: PUBLIC_TARGET, events: ['ping'] } })),
      { name: 'private target', status: 400, request: (fx) => ({ method: 'POST', url: scope.path(fx), headers: bearer(scope.editKey(fx)), payload: { url: 'http://127.0.0.1/x', events: ['ping'] } }) },
      { name: 'unknown event', status: 400, request: (fx) => ({ method: 'POST', url: scope.path(fx), headers: bearer(scope.editKey(fx)), payload: { url: PUBLIC_TARGET, events: ['meeting.renamed'] } }) },
    ],
  },
  [`GET ${path}`]: {
    ok: [{ name: 'the list', status: 200, request: (fx) => ({ method: 'GET', url: scope.path(fx), headers: bearer(scope.editKey(fx)) }) }],
    errors: refusedView(scope, (fx, key) => ({ method: 'GET', url: scope.path(fx), headers: bearer(key) })),
  },
  [`DELETE ${path}/:wid`]: {
    ok: [{ name: 'removed', status: 204, request: async (fx) => ({ method: 'DELETE', url: `${scope.path(fx)}/${await newWebhook(fx, scope)}`, headers: bearer(scope.editKey(fx)) }) }],
    errors: [
      { name: 'unknown webhook', status: 404, request: (fx) => ({ method: 'DELETE', url: `${scope.path(fx)}/wh_unknownHook0001`, headers: bearer(scope.editKey(fx)) }) },
      { name: 'malformed id', status: 400, request: (fx) => ({ method: 'DELETE', url: `${scope.path(fx)}/not-a-webhook`, headers: bearer(scope.editKey(fx)) }) },
    ],
  },
  [`POST ${path}/:wid/ping`]: {
    ok: [
      {
        name: 'one attempt (refused: loopback)',
        status: 200,
        ownApp: withLoopbackWebhook(scope.own),
        request: (fx) => ({ method: 'POST', url: `${scope.ownPath}/${OWN.wid}/ping`, headers: bearer(scope.own.kind === 'server' ? fx.tokens.admin : OWN.key) }),
      },
    ],
    errors: [
      { name: 'unknown webhook', status: 404, request: (fx) => ({ method: 'POST', url: `${scope.path(fx)}/wh_unknownHook0001/ping`, headers: bearer(scope.editKey(fx)) }) },
      ...refusedView(scope, (fx, key) => ({ method: 'POST', url: `${scope.path(fx)}/wh_unknownHook0001/ping`, headers: bearer(key) })),
    ],
  },
});

/** The cases of every webhook route. */
export const WEBHOOK_ROUTE_CASES: Record<string, RouteCases> = Object.assign({}, ...Object.entries(SCOPES).map(([path, scope]) => casesOf(path, scope)));
