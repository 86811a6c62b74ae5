/**
 * The meetings API (GUIDE 1.1). Keys travel as `Authorization: Bearer KEY` or `?key=KEY`; every
 * credential is checked in an onRequest hook (guards.ts) before the body is looked at.
 */
import type { FastifyInstance } from 'fastify';
import type { MeetingSeriesLinks } from '../../shared/api-types.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import { summarize } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { accessOf, meetingGuard, tokenGuard } from './guards.js';

/** What the routes need. */
export interface MeetingsRoutesOptions {
  config: Config;
  meetings: MeetingService;
  store: MeetingStore;
  /** The series links of a meeting (GUIDE 1.7), added to `GET /api/meetings/:id` for meetings of a series. */
  seriesOf?: (meetingId: string) => Promise<MeetingSeriesLinks | null>;
}

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const summary = {
  type: 'object',
  properties: { id: { type: 'string' }, title: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const seriesLinks = {
  type: 'object',
  properties: { id: { type: 'string' }, title: { type: 'string' }, previous: { type: ['string', 'null'] }, next: { type: ['string', 'null'] } },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const keyQuery = { type: 'object', properties: { key: { type: 'string' } } } as const;

/** Registers /api/meetings routes. */
export const meetingsRoutes = async (app: FastifyInstance, { config, meetings, store, seriesOf }: MeetingsRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  const anyKey = meetingGuard(meetings, 'any');
  const editKey = meetingGuard(meetings, 'edit');

  // Raw Markdown bodies keep their exact bytes: decoded strictly (no silent replacement characters).
  app.addContentTypeParser(['text/markdown', 'text/plain'], { parseAs: 'buffer', bodyLimit: config.maxImportBytes }, (_request, body, done) => {
    try {
      done(null, new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body as Buffer));
    } catch {
      done(new Errors.BadMarkdown('the file is not valid UTF-8'), undefined);
    }
  });

  app.post<{ Body: { title?: string; markdown?: string } | string; Querystring: { title?: string } }>(
    '/api/meetings',
    {
      onRequest: tokenGuard(config.createToken, 'open'),
      bodyLimit: config.maxImportBytes * 2,
      schema: {
        querystring: { type: 'object', properties: { title: { type: 'string', maxLength: 1000 } } },
        body: {
          anyOf: [
            {
              type: 'object',
              additionalProperties: false,
              properties: { title: { type: 'string', maxLength: 1000 }, markdown: { type: 'string' } },
            },
            { type: 'string' },
          ],
        },
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, title: { type: 'string' }, editKey: { type: 'string' }, viewKey: { type: 'string' }, createdAt: { type: 'string' } },
          },
          '4xx': errorBody,
          '5xx': errorBody,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const { title, markdown } = typeof body === 'string' ? { title: request.query.title, markdown: body } : body;
      if (markdown !== undefined) {
        if (Buffer.byteLength(markdown, 'utf8') > config.maxImportBytes) throw new Errors.TooLarge(`Markdown imports are limited to ${config.maxImportBytes} bytes`);
        // Lone surrogates cannot be stored as UTF-8 and would come back changed.
        if (!markdown.isWellFormed()) throw new Errors.BadMarkdown('the text contains unpaired surrogates');
      }
      const created = await meetings.create({ title, markdown });
      request.log.info({ meetingId: created.id }, 'meeting created');
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id',
    {
      onRequest: anyKey,
      schema: {
        params: idParams,
        querystring: keyQuery,
        response: { 200: { ...summary, properties: { ...summary.properties, role: { type: 'string' }, series: seriesLinks } }, '4xx': errorBody, '5xx': errorBody },
      },
    },
    async (request) => {
      const { record, role } = accessOf(request);
      const series = await seriesOf?.(record.id);
      return { ...summarize(record), role, ...(series ? { series } : {}) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/export.md',
    { onRequest: anyKey, schema: { params: idParams, querystring: keyQuery, response: { '4xx': errorBody, '5xx': errorBody } } },
    async (request, reply) => {
      const { record } = accessOf(request);
      const markdown = await meetings.exportMarkdown(record.id);
      const filename = record.title.replace(/[^A-Za-z0-9 _.-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'meeting';
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}.md"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(markdown, 'utf8'));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/meetings/:id',
    { onRequest: editKey, schema: { params: idParams, querystring: keyQuery, response: { '4xx': errorBody, '5xx': errorBody } } },
    async (request, reply) => {
      const { record } = accessOf(request);
      await meetings.delete(record);
      request.log.info({ meetingId: record.id }, 'meeting deleted');
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/meetings',
    {
      onRequest: tokenGuard(config.adminToken, 'disabled'),
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string', maxLength: 200 } },
        },
        response: {
          200: { type: 'object', properties: { meetings: { type: 'array', items: summary }, nextCursor: { type: ['string', 'null'] } } },
          '4xx': errorBody,
          '5xx': errorBody,
        },
      },
    },
    async (request) => {
      const page = await store.listMeetings(request.query.limit, request.query.cursor);
      return { meetings: page.meetings.map(summarize), nextCursor: page.nextCursor };
    },
  );
};
