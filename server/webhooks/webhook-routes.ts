/**
 * The webhook routes (GUIDE 1.11), the same four for each scope: a meeting (its edit key, or its
 * series' edit key), a series (its edit key) and the server (the admin token). View keys are
 * refused with 403: a webhook tells where the notes go. Credentials are checked in onRequest,
 * before the body is looked at.
 */
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { failures, keyQuery, meetingIdParams, noBody, SECURITY, seriesIdParams } from '../http/api-schemas.js';
import { accessOf, meetingGuard, tokenGuard } from '../http/guards.js';
import { publicOrigin } from '../http/public-url.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import { keyFromRequest } from '../security/keys.js';
import type { SeriesService } from '../series/series-service.js';
import type { WebhookScope } from './webhook-records.js';
import { createWebhookBody, createdWebhook, pingAnswer, webhookList, widParam } from './webhook-schemas.js';
import type { WebhookInput, WebhookService } from './webhook-service.js';

/** What the routes need. */
export interface WebhookRoutesOptions {
  config: Config;
  meetings: MeetingService;
  series: SeriesService;
  webhooks: WebhookService;
}

/** One scope's path, credentials and documentation. */
interface ScopeRoutes {
  name: string;
  path: string;
  what: string;
  guard: onRequestAsyncHookHandler;
  scopeOf(request: FastifyRequest): WebhookScope;
  params?: typeof meetingIdParams | typeof seriesIdParams;
  security: ReadonlyArray<Record<string, readonly string[]>>;
}

const tags = ['webhooks'];
const withWid = (params: ScopeRoutes['params']) => ({
  type: 'object',
  required: [...(params ? ['id'] : []), 'wid'],
  properties: { ...(params?.properties ?? {}), wid: widParam },
});

/** Registers the webhook routes of meetings, series and the server. */
export const webhookRoutes = async (app: FastifyInstance, { config, meetings, series, webhooks }: WebhookRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  // The series a series guard opened, per request of this plugin.
  const seriesOfRequest = new WeakMap<FastifyRequest, string>();
  const seriesEditGuard: onRequestAsyncHookHandler = async (request) => {
    const { id } = request.params as { id: string };
    const access = await series.open(id, keyFromRequest(request.headers.authorization, request.url));
    if (access.role !== 'edit') throw new Errors.EditKeyRequired();
    seriesOfRequest.set(request, access.series.id);
  };

  const scopes: ScopeRoutes[] = [
    {
      name: 'meeting',
      path: '/api/meetings/:id/webhooks',
      what: "a meeting's",
      guard: meetingGuard(meetings, 'edit'),
      scopeOf: (request) => ({ kind: 'meeting', id: accessOf(request).record.id }),
      params: meetingIdParams,
      security: SECURITY.meetingEditKey,
    },
    {
      name: 'series',
      path: '/api/series/:id/webhooks',
      what: "a series' (they hear about every meeting of the series)",
      guard: seriesEditGuard,
      scopeOf: (request) => ({ kind: 'series', id: seriesOfRequest.get(request)! }),
      params: seriesIdParams,
      security: SECURITY.seriesEditKey,
    },
    {
      name: 'server-wide',
      path: '/api/admin/webhooks',
      what: 'the server-wide (they hear about every meeting)',
      guard: tokenGuard(config.adminToken, 'disabled'),
      scopeOf: () => ({ kind: 'server' }),
      security: SECURITY.admin,
    },
  ];

  for (const scope of scopes) {
    const querystring = scope.params ? keyQuery : undefined;
    const scopeName = scope.name;
    const common = { tags, security: scope.security, ...(querystring ? { querystring } : {}) };

    app.post<{ Body: WebhookInput }>(
      scope.path,
      {
        onRequest: scope.guard,
        schema: {
          summary: `Add a webhook (${scopeName})`,
          description: `Adds one of ${scope.what} webhooks. The answer holds the signing secret, shown only here. The URL's host is resolved: private, loopback and link-local targets are refused (400 private_webhook_target) unless MEETPAD_WEBHOOK_ALLOW_PRIVATE. At most 20 per scope (409).`,
          ...common,
          ...(scope.params ? { params: scope.params } : {}),
          body: createWebhookBody,
          response: { 201: createdWebhook, ...failures },
        },
      },
      async (request, reply) => reply.code(201).send(await webhooks.create(scope.scopeOf(request), request.body, publicOrigin(request))),
    );

    app.get(
      scope.path,
      {
        onRequest: scope.guard,
        schema: {
          summary: `List webhooks (${scopeName})`,
          description: `Lists ${scope.what} webhooks with their 20 most recent deliveries, newest first. Never the secrets.`,
          ...common,
          ...(scope.params ? { params: scope.params } : {}),
          response: { 200: webhookList, ...failures },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ webhooks: await webhooks.list(scope.scopeOf(request)) }),
    );

    app.delete<{ Params: { wid: string } }>(
      `${scope.path}/:wid`,
      {
        onRequest: scope.guard,
        schema: {
          summary: `Remove a webhook (${scopeName})`,
          description: 'Removes the webhook; its pending deliveries are not sent.',
          ...common,
          params: withWid(scope.params),
          response: { 204: noBody('Removed.'), ...failures },
        },
      },
      async (request, reply) => {
        await webhooks.delete(scope.scopeOf(request), request.params.wid);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: { wid: string } }>(
      `${scope.path}/:wid/ping`,
      {
        onRequest: scope.guard,
        schema: {
          summary: `Ping a webhook (${scopeName})`,
          description: 'Sends a `ping` event now, once (no retries), and answers with the result of that attempt. A success enables a disabled webhook again.',
          ...common,
          params: withWid(scope.params),
          response: { 200: pingAnswer, ...failures },
        },
      },
      async (request) => ({ delivery: await webhooks.ping(scope.scopeOf(request), request.params.wid) }),
    );
  }
};
