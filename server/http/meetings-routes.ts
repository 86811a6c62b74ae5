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
import { failures, keyQuery, meetingIdParams, noBody, SECURITY, textAnswer } from './api-schemas.js';
import { accessOf, meetingGuard, tokenGuard } from './guards.js';
import { createdMeeting, createMeetingBody, meetingInfo, meetingList, meetingListQuery } from './meeting-schemas.js';

/** What the routes need. */
export interface MeetingsRoutesOptions {
  config: Config;
  meetings: MeetingService;
  store: MeetingStore;
  /** The series links of a meeting (GUIDE 1.7), added to `GET /api/meetings/:id` for meetings of a series. */
  seriesOf?: (meetingId: string) => Promise<MeetingSeriesLinks | null>;
}

const tags = ['meetings'];

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
        summary: 'Create a meeting',
        description: `Creates a meeting, empty (the server's template) or from a Markdown page (GUIDE 1.4: split at the first \`Notes\` heading; exported back byte for byte). Imports are limited to MEETPAD_MAX_IMPORT_BYTES (413 above).`,
        operationId: 'createMeeting',
        tags,
        security: SECURITY.creation,
        consumes: ['application/json', 'text/markdown', 'text/plain'],
        querystring: { type: 'object', properties: { title: { type: 'string', maxLength: 1000, description: 'The title, for a raw Markdown body.' } } },
        body: createMeetingBody,
        response: { 201: createdMeeting, ...failures },
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
        summary: 'Get a meeting',
        description: 'The meeting and the role its key grants (`edit` or `view`); for a meeting of a series, also `series` with the previous and next meetings.',
        operationId: 'getMeeting',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: meetingInfo, ...failures },
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
    {
      onRequest: anyKey,
      schema: {
        summary: 'Export a meeting as Markdown',
        description: 'The agenda followed by the notes, nothing added or removed (GUIDE 1.4), as a download; only what is durable on disk.',
        operationId: 'exportMeeting',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: {
          200: textAnswer('text/markdown', 'The page, UTF-8 (`charset=utf-8`).', '# Weekly sync\n\n## Agenda\n\n1. Release plan (Anna) 10 min\n\n# Notes\n', {
            'content-disposition': { type: 'string', description: 'attachment; filename="TITLE.md"' },
          }),
          ...failures,
        },
      },
    },
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
    {
      onRequest: editKey,
      schema: {
        summary: 'Delete a meeting',
        description: 'Deletes the document, its log and its keys; open sockets are closed with 4404. Its key holders are told 410 afterwards.',
        operationId: 'deleteMeeting',
        tags,
        security: SECURITY.meetingEditKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 204: noBody('Deleted.'), ...failures },
      },
    },
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
        summary: 'List every meeting (admin)',
        description: 'The server-wide list, newest first, paginated with `cursor`. 403 admin_disabled when no admin token is configured.',
        operationId: 'listMeetings',
        tags: ['admin'],
        security: SECURITY.admin,
        querystring: meetingListQuery,
        response: { 200: meetingList, ...failures },
      },
    },
    async (request) => {
      const page = await store.listMeetings(request.query.limit, request.query.cursor);
      return { meetings: page.meetings.map(summarize), nextCursor: page.nextCursor };
    },
  );
};
