/**
 * Running the meeting (GUIDE 1.8): the server's time (the meeting's timers are in it), who
 * attended, and the minutes. Attendance and minutes open with any key of the meeting.
 */
import type { FastifyInstance } from 'fastify';
import type { AttendanceList, ServerTime } from '../../shared/api-types.js';
import type { AttendanceService } from '../attendance/attendance-service.js';
import type { Clock } from '../clock.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MinutesService } from '../minutes/minutes-service.js';
import { accessOf, meetingGuard } from './guards.js';
import { meetingLink } from './public-url.js';

/** What the routes need. */
export interface RunRoutesOptions {
  meetings: MeetingService;
  attendance: AttendanceService;
  minutes: MinutesService;
  clock: Clock;
}

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const keyQuery = { type: 'object', properties: { key: { type: 'string' } } } as const;
const attendanceBody = {
  type: 'object',
  properties: {
    attendees: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          firstJoined: { type: 'string' },
          lastLeft: { type: ['string', 'null'] },
          present: { type: 'boolean' },
          secondsPresent: { type: 'integer' },
        },
      },
    },
  },
} as const;

/** Registers /api/time, /api/meetings/:id/attendance and /api/meetings/:id/minutes.md. */
export const runRoutes = async (app: FastifyInstance, { meetings, attendance, minutes, clock }: RunRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  const anyKey = meetingGuard(meetings, 'any');

  app.get(
    '/api/time',
    { schema: { response: { 200: { type: 'object', required: ['now'], properties: { now: { type: 'integer' } } } } } },
    async (_request, reply) => {
      const body: ServerTime = { now: clock.now() };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/attendance',
    { onRequest: anyKey, schema: { params: idParams, querystring: keyQuery, response: { 200: attendanceBody, '4xx': errorBody, '5xx': errorBody } } },
    async (request, reply) => {
      const body: AttendanceList = { attendees: await attendance.attendeesOf(accessOf(request).record.id) };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/minutes.md',
    { onRequest: anyKey, schema: { params: idParams, querystring: keyQuery, response: { '4xx': errorBody, '5xx': errorBody } } },
    async (request, reply) => {
      const { record } = accessOf(request);
      const markdown = await minutes.minutesOf(record, meetingLink(request, record.id));
      return reply.type('text/markdown; charset=utf-8').header('cache-control', 'no-store').send(markdown);
    },
  );
};
