/**
 * `GET /api/meetings/:id/items` (GUIDE 1.6): the action items, decisions and agenda topics of a
 * meeting, read by the shared parser from its durable text. Any key that opens the meeting will do.
 */
import type { FastifyInstance } from 'fastify';
import { parseMeeting, toMeetingItems } from '../../shared/meeting-parser.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { DurableTextReader } from '../series/durable-text.js';
import { actionItemProperties, failures, keyQuery, meetingIdParams, SECURITY } from './api-schemas.js';
import { accessOf, meetingGuard } from './guards.js';

/** What the route needs. */
export interface ItemsRoutesOptions {
  meetings: MeetingService;
  readText: DurableTextReader;
}

const line = actionItemProperties.line;
const itemsBody = {
  type: 'object',
  description: 'What the parser reads out of the page (GUIDE 1.6), in page order.',
  required: ['actionItems', 'decisions', 'topics', 'plannedMinutes'],
  additionalProperties: false,
  properties: {
    actionItems: {
      type: 'array',
      items: { type: 'object', required: Object.keys(actionItemProperties), additionalProperties: false, properties: actionItemProperties },
    },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'text', 'section', 'line'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, text: { type: 'string' }, section: { type: 'string', enum: ['agenda', 'notes'] }, line },
      },
    },
    topics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'text', 'owners', 'minutes', 'line'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          text: { type: 'string' },
          owners: {
            type: 'array',
            items: { type: 'object', required: ['name', 'tentative'], additionalProperties: false, properties: { name: { type: 'string' }, tentative: { type: 'boolean' } } },
          },
          minutes: { type: ['number', 'null'], description: 'The time box, or null.' },
          line,
        },
      },
    },
    plannedMinutes: { type: ['number', 'null'], description: 'From a `Duration:` line, else the sum of the time boxes; null if neither.' },
  },
  examples: [
    {
      actionItems: [{ id: 'a1b2c3', text: 'Write the changelog @anna due 2026-01-09', done: false, assignees: ['anna'], due: '2026-01-09', section: 'notes', line: 5 }],
      decisions: [{ id: 'd4e5f6', text: 'Ship on Friday', section: 'notes', line: 10 }],
      topics: [{ id: 't7g8h9', text: 'Release plan (Anna) 10 min', owners: [{ name: 'Anna', tentative: false }], minutes: 10, line: 5 }],
      plannedMinutes: 10,
    },
  ],
} as const;

/** Registers the items route. */
export const itemsRoutes = async (app: FastifyInstance, { meetings, readText }: ItemsRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/items',
    {
      onRequest: meetingGuard(meetings, 'any'),
      schema: {
        summary: 'Action items, decisions and topics',
        description: 'Derived on demand from the durable Markdown; nothing inside code blocks or HTML comments counts.',
        operationId: 'getMeetingItems',
        tags: ['meetings'],
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: itemsBody, ...failures },
      },
    },
    async (request, reply) => {
      const { record } = accessOf(request);
      const items = toMeetingItems(parseMeeting(await readText(record.id)));
      // A link with ?key= may be cached by nothing in between.
      return reply.header('cache-control', 'no-store').send(items);
    },
  );
};
