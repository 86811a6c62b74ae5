/**
 * `GET /api/meetings/:id/items` (GUIDE 1.6): the action items, decisions and agenda topics of a
 * meeting, read by the shared parser from its durable text. Any key that opens the meeting will do.
 */
import type { FastifyInstance } from 'fastify';
import { parseMeeting, toMeetingItems } from '../../shared/meeting-parser.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { DurableTextReader } from '../series/durable-text.js';
import { accessOf, meetingGuard } from './guards.js';

/** What the route needs. */
export interface ItemsRoutesOptions {
  meetings: MeetingService;
  readText: DurableTextReader;
}

/** JSON schemas of the shapes the parser gives, shared with the series routes. */
export const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
export const actionItemProperties = {
  id: { type: 'string' },
  text: { type: 'string' },
  done: { type: 'boolean' },
  assignees: { type: 'array', items: { type: 'string' } },
  due: { type: ['string', 'null'] },
  section: { type: 'string', enum: ['agenda', 'notes'] },
  line: { type: 'integer' },
} as const;
const itemsBody = {
  type: 'object',
  properties: {
    actionItems: { type: 'array', items: { type: 'object', properties: actionItemProperties } },
    decisions: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, text: { type: 'string' }, section: { type: 'string' }, line: { type: 'integer' } } },
    },
    topics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          text: { type: 'string' },
          owners: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, tentative: { type: 'boolean' } } } },
          minutes: { type: ['number', 'null'] },
          line: { type: 'integer' },
        },
      },
    },
    plannedMinutes: { type: ['number', 'null'] },
  },
} as const;

/** Registers the items route. */
export const itemsRoutes = async (app: FastifyInstance, { meetings, readText }: ItemsRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/items',
    {
      onRequest: meetingGuard(meetings, 'any'),
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        querystring: { type: 'object', properties: { key: { type: 'string' } } },
        response: { 200: itemsBody, '4xx': errorBody, '5xx': errorBody },
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
