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
import type { Cadence } from '../series/series-record.js';
import type { SeriesService } from '../series/series-service.js';
import { accessOf, meetingGuard, tokenGuard } from './guards.js';
import { failures, keyQuery, meetingIdParams, noBody, SECURITY, seriesIdParams, textAnswer } from './api-schemas.js';
import { publicOrigin } from './public-url.js';
import { createdSeries, createdSeriesMeeting, createSeriesBody, fromMeetingBody, nextMeetingBody, seriesInfo } from './series-schemas.js';

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

const tags = ['series'];
const CALENDAR_EXAMPLE = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meetpad//series//EN\r\nBEGIN:VEVENT\r\nSUMMARY:Status 2026-01-12\r\nDTSTART;VALUE=DATE:20260112\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

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
        summary: 'Create a series',
        description: 'A recurring meeting without meetings yet; start them with `POST /api/series/{id}/meetings`. Templates are limited to MEETPAD_MAX_IMPORT_BYTES (413).',
        operationId: 'createSeries',
        tags,
        security: SECURITY.creation,
        body: createSeriesBody,
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
    {
      onRequest: anyKey,
      schema: {
        summary: 'Get a series',
        description: 'The series, its meetings (newest first, with their open and done item counts) and the rolling action log.',
        operationId: 'getSeries',
        tags,
        security: SECURITY.anySeriesKey,
        params: seriesIdParams,
        querystring: keyQuery,
        response: { 200: seriesInfo, ...failures },
      },
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await series.describe(seriesOf(request))),
  );

  app.post<{ Params: { id: string }; Body: { date?: string; title?: string } | undefined }>(
    '/api/series/:id/meetings',
    {
      onRequest: editKey,
      preValidation: emptyBodyIsObject,
      schema: {
        summary: 'Start the next meeting',
        description: "A new meeting from the template, its notes ending with **Carried over**: each action item still open in the series. The body may be left out. 413 when the page would pass MEETPAD_MAX_IMPORT_BYTES.",
        operationId: 'startNextMeeting',
        tags,
        security: SECURITY.seriesEditKey,
        params: seriesIdParams,
        querystring: keyQuery,
        body: nextMeetingBody,
        response: { 201: createdSeriesMeeting, ...failures },
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
        summary: 'Turn a meeting into a series',
        description:
          "The meeting becomes the series' first; its page becomes the template. With MEETPAD_CREATE_TOKEN set, send the token as Bearer and the meeting's edit key as `?key=`. 409 meeting_in_series if it already belongs to one. The body may be left out.",
        operationId: 'createSeriesFromMeeting',
        tags,
        security: [...SECURITY.meetingEditKey, { creationToken: [], meetingKeyQuery: ['edit'] }],
        params: meetingIdParams,
        querystring: keyQuery,
        body: fromMeetingBody,
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
    {
      onRequest: anyKey,
      schema: {
        summary: 'The series as a calendar feed',
        description: 'An iCalendar feed of the meetings and the next planned date, for calendar apps (`?key=` works where headers cannot be set).',
        operationId: 'getSeriesCalendar',
        tags,
        security: SECURITY.anySeriesKey,
        params: seriesIdParams,
        querystring: keyQuery,
        response: { 200: textAnswer('text/calendar', 'iCalendar (RFC 5545), UTF-8.', CALENDAR_EXAMPLE), ...failures },
      },
    },
    async (request, reply) => {
      const calendar = await series.calendar(seriesOf(request).series, publicOrigin(request));
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'no-store').send(calendar);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/series/:id',
    {
      onRequest: editKey,
      schema: {
        summary: 'Delete a series',
        description: 'Deletes the series and all its meetings (their sockets get 4404); its key holders are told 410 afterwards.',
        operationId: 'deleteSeries',
        tags,
        security: SECURITY.seriesEditKey,
        params: seriesIdParams,
        querystring: keyQuery,
        response: { 204: noBody('Deleted.'), ...failures },
      },
    },
    async (request, reply) => {
      const { series: record } = seriesOf(request);
      await series.delete(record.id);
      request.log.info({ seriesId: record.id }, 'series deleted');
      return reply.code(204).send();
    },
  );
};
