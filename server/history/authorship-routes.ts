/**
 * `GET /api/meetings/:id/authorship` (any key): who wrote what, for the editor's author colours.
 * Not in GUIDE 1.9's table; its shape is shared/author-map.ts's wire shape.
 */
import type { FastifyInstance } from 'fastify';
import type { MeetingService } from '../meetings/meeting-service.js';
import { failures, keyQuery, meetingIdParams, SECURITY } from '../http/api-schemas.js';
import { accessOf, meetingGuard } from '../http/guards.js';
import type { Authorship } from './authorship.js';

/** What the route needs. */
export interface AuthorshipRoutesOptions {
  meetings: MeetingService;
  authorship: Pick<Authorship, 'mapOf'>;
}

const authorshipBody = {
  type: 'object',
  description:
    'For ranges of Yjs item ids, the display name of the connection that first sent them (null: unknown, such as the initial content). ' +
    'Walk a Y.Text\'s items and split each by these ranges to colour its text.',
  required: ['names', 'ranges'],
  additionalProperties: false,
  properties: {
    names: { type: 'array', items: { type: ['string', 'null'] }, description: 'The authors the ranges refer to by index.', examples: [['Anna', null]] },
    ranges: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      description: 'Flat quadruples `client, clock, len, index into names`: clocks `clock` to `clock + len - 1` of client `client`. Sorted by client, then clock; never overlapping.',
      examples: [[1234567, 0, 42, 0, 1234567, 42, 3, 1]],
    },
  },
  examples: [{ names: ['Anna', null], ranges: [1234567, 0, 42, 0, 1234567, 42, 3, 1] }],
} as const;

/** Registers the authorship route. */
export const authorshipRoutes = async (app: FastifyInstance, { meetings, authorship }: AuthorshipRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/authorship',
    {
      onRequest: meetingGuard(meetings, 'any'),
      schema: {
        summary: 'Who wrote what',
        description: 'The server attributes each range of item ids to the display name of the connection that sent it first; a view key may read it.',
        operationId: 'getMeetingAuthorship',
        tags: ['history'],
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: authorshipBody, ...failures },
      },
    },
    async (request, reply) => {
      const { record } = accessOf(request);
      const map = await authorship.mapOf(record.id);
      // A link with ?key= may be cached by nothing in between.
      return reply.header('cache-control', 'no-store').send(map.toJSON());
    },
  );
};
