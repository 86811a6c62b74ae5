/**
 * The JSON schemas of the meetings API (GUIDE 1.1): what `/api/meetings` routes accept and send,
 * exactly the fields of shared/api-types.ts.
 */
import { MEETING_ID, SERIES_ID, isoTime, role } from './api-schemas.js';

const EDIT_KEY = 'nq8Hk2vB4yXo3sLw9ZrT1uQ';
const VIEW_KEY = 'Lp0sD7fJ2mWc5xKa8YbN6eR';

/** `POST /api/meetings` body: JSON `{ title?, markdown? }`, or the raw Markdown page (text/markdown, text/plain). */
export const createMeetingBody = {
  description: 'JSON `{ title?, markdown? }`, or the page itself as text/markdown or text/plain (its title then from `?title=`). Without Markdown the server seeds its template.',
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: { type: 'string', maxLength: 1000, description: 'Wins over the title found in the Markdown.' },
        markdown: { type: 'string', description: 'The whole page: split at the first `Notes` heading into agenda and notes.' },
      },
    },
    { type: 'string', description: 'The raw Markdown page (UTF-8).' },
  ],
  examples: [{ title: 'Weekly sync', markdown: '# Weekly sync\n\n## Agenda\n\n1. Release plan (Anna) 10 min\n\n# Notes\n' }],
} as const;

/** `POST /api/meetings` 201: the only answer that ever contains the keys. */
export const createdMeeting = {
  type: 'object',
  description: 'The new meeting with its two keys (shown only here: the server keeps only their hashes).',
  required: ['id', 'title', 'editKey', 'viewKey', 'createdAt'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, title: { type: 'string' }, editKey: { type: 'string' }, viewKey: { type: 'string' }, createdAt: isoTime },
  examples: [{ id: MEETING_ID, title: 'Weekly sync', editKey: EDIT_KEY, viewKey: VIEW_KEY, createdAt: '2026-01-05T09:00:00.000Z' }],
} as const;

const summaryProperties = { id: { type: 'string' }, title: { type: 'string' }, createdAt: isoTime, updatedAt: isoTime } as const;

/** A meeting without its keys. */
export const meetingSummary = { type: 'object', required: ['id', 'title', 'createdAt', 'updatedAt'], additionalProperties: false, properties: summaryProperties } as const;

/** `GET /api/meetings/:id` 200. */
export const meetingInfo = {
  type: 'object',
  description: 'The meeting, the role the key grants, and for a meeting of a series its series with the meetings before and after it.',
  required: ['id', 'title', 'createdAt', 'updatedAt', 'role'],
  additionalProperties: false,
  properties: {
    ...summaryProperties,
    role,
    series: {
      type: 'object',
      required: ['id', 'title', 'previous', 'next'],
      additionalProperties: false,
      properties: {
        id: { type: 'string' },
        title: { type: 'string' },
        previous: { type: ['string', 'null'], description: 'The meeting started before this one (deleted ones skipped).' },
        next: { type: ['string', 'null'], description: 'The meeting started after this one.' },
      },
    },
  },
  examples: [
    {
      id: MEETING_ID,
      title: 'Status 2026-01-12',
      createdAt: '2026-01-05T09:00:00.000Z',
      updatedAt: '2026-01-12T10:30:00.000Z',
      role: 'edit',
      series: { id: SERIES_ID, title: 'Status', previous: 'Prev1StGXR8_Z5jdHi6B', next: null },
    },
  ],
} as const;

/** `GET /api/meetings` query. */
export const meetingListQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'Meetings per page.' },
    cursor: { type: 'string', maxLength: 200, description: 'The `nextCursor` of the previous page.' },
  },
} as const;

/** `GET /api/meetings` 200. */
export const meetingList = {
  type: 'object',
  description: 'One page of meetings, newest first.',
  required: ['meetings', 'nextCursor'],
  additionalProperties: false,
  properties: {
    meetings: { type: 'array', items: meetingSummary },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last one.' },
  },
  examples: [{ meetings: [{ id: MEETING_ID, title: 'Weekly sync', createdAt: '2026-01-05T09:00:00.000Z', updatedAt: '2026-01-05T09:40:00.000Z' }], nextCursor: null }],
} as const;
