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
import { failures, isoTime, keyQuery, meetingIdParams, SECURITY, serverFailure, textAnswer } from './api-schemas.js';
import { accessOf, meetingGuard } from './guards.js';
import { meetingLink } from './public-url.js';

/** What the routes need. */
export interface RunRoutesOptions {
  meetings: MeetingService;
  attendance: AttendanceService;
  minutes: MinutesService;
  clock: Clock;
}

const tags = ['running'];
const timeBody = {
  type: 'object',
  description: "The server's clock: clients correct the meeting's timers for their offset from it.",
  required: ['now'],
  additionalProperties: false,
  properties: { now: { type: 'integer', description: 'Milliseconds since the epoch.' } },
  examples: [{ now: 1767603600000 }],
} as const;
const attendanceBody = {
  type: 'object',
  description: 'Per display name, ordered by first join: recorded by the server from the awareness of each connection (never a key or an address).',
  required: ['attendees'],
  additionalProperties: false,
  properties: {
    attendees: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'firstJoined', 'lastLeft', 'present', 'secondsPresent'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          firstJoined: isoTime,
          lastLeft: { type: ['string', 'null'], format: 'date-time', description: 'Null while no connection under this name has left.' },
          present: { type: 'boolean' },
          secondsPresent: { type: 'integer', minimum: 0, description: 'Time with at least one connection under this name, up to now for those present.' },
        },
      },
    },
  },
  examples: [{ attendees: [{ name: 'Anna', firstJoined: '2026-01-05T09:00:00.000Z', lastLeft: '2026-01-05T09:15:00.000Z', present: false, secondsPresent: 900 }] }],
} as const;
const MINUTES_EXAMPLE = '# Minutes: Weekly sync\n\n- Date: 2026-01-05, 09:00\u201309:30 UTC\n- Present: Anna (30 min)\n- Meeting: https://notes.example.org/m/V1StGXR8_Z5jdHi6B-myT\n\n## Topics\n\n1. Release plan (Anna): 12 min of 10, 2 min over\n';

/** Registers /api/time, /api/meetings/:id/attendance and /api/meetings/:id/minutes.md. */
export const runRoutes = async (app: FastifyInstance, { meetings, attendance, minutes, clock }: RunRoutesOptions): Promise<void> => {
  app.decorateRequest('meetingAccess', null);
  const anyKey = meetingGuard(meetings, 'any');

  app.get(
    '/api/time',
    {
      schema: {
        summary: "The server's time",
        operationId: 'getServerTime',
        tags,
        security: SECURITY.none,
        response: { 200: timeBody, ...serverFailure },
      },
    },
    async (_request, reply) => {
      const body: ServerTime = { now: clock.now() };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/attendance',
    {
      onRequest: anyKey,
      schema: {
        summary: 'Who attended',
        description: 'Per display name: first joined, last left, present now, seconds present.',
        operationId: 'getAttendance',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: attendanceBody, ...failures },
      },
    },
    async (request, reply) => {
      const body: AttendanceList = { attendees: await attendance.attendeesOf(accessOf(request).record.id) };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/meetings/:id/minutes.md',
    {
      onRequest: anyKey,
      schema: {
        summary: 'The minutes as Markdown',
        description: 'Title, date, attendance, topics covered with time spent against their time boxes, decisions, action items by owner, and a link to the meeting (without a key).',
        operationId: 'getMinutes',
        tags,
        security: SECURITY.anyMeetingKey,
        params: meetingIdParams,
        querystring: keyQuery,
        response: { 200: textAnswer('text/markdown', 'The minutes, UTF-8 (`charset=utf-8`).', MINUTES_EXAMPLE), ...failures },
      },
    },
    async (request, reply) => {
      const { record } = accessOf(request);
      const markdown = await minutes.minutesOf(record, meetingLink(request, record.id));
      return reply.type('text/markdown; charset=utf-8').header('cache-control', 'no-store').send(markdown);
    },
  );
};
