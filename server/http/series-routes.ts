/**
 * The series API (GUIDE 1.7). Series keys travel like meeting keys (`Authorization: Bearer KEY`
 * or `?key=KEY`) and are checked in onRequest hooks, before any body is looked at. A series is
 * created under the creation token when one is set, whichever way it is created; its edit key
 * then starts its meetings on its own.
 */
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import { keyFromRequest } from '../security/keys.js';
import type { SeriesAccess } from '../series/series-access.js';
import { checkDate } from '../series/series-dates.js';
import { CADENCES, type Cadence } from '../series/series-record.js';
import type { SeriesService } from '../series/series-service.js';
import { accessOf, meetingGuard, tokenGuard } from './guards.js';
import { actionItemProperties, errorBody } from './items-routes.js';
import { publicOrigin } from './public-url.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The series a series guard opened, and the role of the key. */
    seriesAccess: SeriesAccess | null;
  }
}

/** What the routes need. */
export interface SeriesRoutesOptions {
  config: Config;
  meetings: MeetingService;
  series: SeriesService;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const keyQuery = { type: 'object', properties: { key: { type: 'string' } } } as const;
const title = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const cadence = { type: 'string', enum: CADENCES } as const;
// Dates are checked by checkDate, so every wrong date gets the same `bad_date` answer.
const date = { type: 'string', maxLength: 100 } as const;
const createdSeries = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    cadence: { type: 'string' },
    editKey: { type: 'string' },
    viewKey: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;
const seriesInfo = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    cadence: { type: 'string' },
    nextDate: { type: ['string', 'null'] },
    role: { type: 'string' },
    createdAt: { type: 'string' },
    template: { type: 'string' },
    meetings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          date: { type: 'string' },
          openItems: { type: 'integer' },
          doneItems: { type: 'integer' },
          createdAt: { type: 'string' },
        },
      },
    },
    openItems: {
      type: 'array',
      items: { type: 'object', properties: { ...actionItemProperties, meetingId: { type: 'string' }, meetingTitle: { type: 'string' } } },
    },
  },
} as const;
const createdMeeting = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    date: { type: 'string' },
    seriesId: { type: 'string' },
    editKey: { type: 'string' },
    viewKey: { type: 'string' },
  },
} as const;
const failures = { '4xx': errorBody, '5xx': errorBody } as const;

/** A hook opening the series of `:id` with the request's key: 'any' accepts the view key, 'edit' answers 403 to it. */
const seriesGuard =
  (series: SeriesService, role: 'any' | 'edit'): onRequestAsyncHookHandler =>
  async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const access = await series.open(id, keyFromRequest(request.headers.authorization, request.url));
    if (role === 'edit' && access.role !== 'edit') throw new Errors.EditKeyRequired();
    request.seriesAccess = access;
  };

/**
 * The hooks of `POST /api/meetings/:id/series`: the meeting's edit key and, when MEETPAD_CREATE_TOKEN
 * is set, the token too (it creates a series). The Bearer header then carries the token, so the
 * edit key comes as `?key=`.
 */
const turnIntoSeriesGuards = (meetings: MeetingService, token: string): onRequestAsyncHookHandler[] => {
  if (!token) return [meetingGuard(meetings, 'edit')];
  const editKeyInQuery: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const access = await meetings.open(id, keyFromRequest(undefined, request.url));
    if (access.role !== 'edit') throw new Errors.EditKeyRequired();
    request.meetingAccess = access;
  };
  return [tokenGuard(token, 'open'), editKeyInQuery];
};

// A POST whose fields are all optional may come without a body ("start the next meeting").
const emptyBodyIsObject = async (request: FastifyRequest): Promise<void> => {
  request.body ??= {};
};

const seriesOf = (request: FastifyRequest): SeriesAccess => {
  if (!request.seriesAccess) throw new Error('route has no seriesGuard');
  return request.seriesAccess;
};

/** Registers /api/series routes and `POST /api/meetings/:id/series`. */
export const seriesRoutes = async (app: FastifyInstance, { config, meetings, series }: SeriesRoutesOptions): Promise<void> => {
  app.decorateRequest('seriesAccess', null);
  app.decorateRequest('meetingAccess', null);
  const anyKey = seriesGuard(series, 'any');
  const editKey = seriesGuard(series, 'edit');

  app.post<{ Body: { title: string; cadence?: Cadence; template?: string; firstDate?: string } }>(
    '/api/series',
    {
      onRequest: tokenGuard(config.createToken, 'open'),
      schema: {
        body: { type: 'object', additionalProperties: false, required: ['title'], properties: { title, cadence, template: { type: 'string' }, firstDate: date } },
        response: { 201: createdSeries, ...failures },
      },
    },
    async (request, reply) => {
      const { template, firstDate } = request.body;
      if (template !== undefined) {
        if (Buffer.byteLength(template, 'utf8') > config.maxImportBytes) throw new Errors.TooLarge(`Templates are limited to ${config.maxImportBytes} bytes`);
        if (!template.isWellFormed()) throw new Errors.BadMarkdown('the template contains unpaired surrogates');
      }
      if (firstDate !== undefined) checkDate(firstDate);
      const created = await series.create(request.body);
      request.log.info({ seriesId: created.id }, 'series created');
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/series/:id',
    { onRequest: anyKey, schema: { params: idParams, querystring: keyQuery, response: { 200: seriesInfo, ...failures } } },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await series.describe(seriesOf(request))),
  );

  app.post<{ Params: { id: string }; Body: { date?: string; title?: string } | undefined }>(
    '/api/series/:id/meetings',
    {
      onRequest: editKey,
      preValidation: emptyBodyIsObject,
      schema: {
        params: idParams,
        querystring: keyQuery,
        body: { type: 'object', additionalProperties: false, properties: { date, title } },
        response: { 201: createdMeeting, ...failures },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      if (body.date !== undefined) checkDate(body.date);
      const created = await series.startNext(seriesOf(request).series.id, body);
      request.log.info({ seriesId: created.seriesId, meetingId: created.id }, 'series meeting started');
      return reply.code(201).send(created);
    },
  );

  app.post<{ Params: { id: string }; Body: { title?: string; cadence?: Cadence } | undefined }>(
    '/api/meetings/:id/series',
    {
      onRequest: turnIntoSeriesGuards(meetings, config.createToken),
      preValidation: emptyBodyIsObject,
      schema: {
        params: idParams,
        querystring: keyQuery,
        body: { type: 'object', additionalProperties: false, properties: { title, cadence } },
        response: { 201: createdSeries, ...failures },
      },
    },
    async (request, reply) => {
      const created = await series.fromMeeting(accessOf(request), request.body ?? {});
      request.log.info({ seriesId: created.id, meetingId: accessOf(request).record.id }, 'meeting turned into a series');
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/series/:id/calendar.ics',
    { onRequest: anyKey, schema: { params: idParams, querystring: keyQuery, response: failures } },
    async (request, reply) => {
      const calendar = await series.calendar(seriesOf(request).series, publicOrigin(request));
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'no-store').send(calendar);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/series/:id',
    { onRequest: editKey, schema: { params: idParams, querystring: keyQuery, response: failures } },
    async (request, reply) => {
      const { series: record } = seriesOf(request);
      await series.delete(record.id);
      request.log.info({ seriesId: record.id }, 'series deleted');
      return reply.code(204).send();
    },
  );
};
