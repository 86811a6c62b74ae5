/**
 * The JSON schemas of the series API (GUIDE 1.7): exactly the fields of shared/api-types.ts.
 */
import { MEETING_ID, SERIES_ID, actionItemProperties, cadence, calendarDate, isoTime, role } from './api-schemas.js';

const title = { type: 'string', minLength: 1, maxLength: 1000 } as const;
// Dates are checked by checkDate, so every wrong date gets the same `bad_date` answer.
const date = { type: 'string', maxLength: 100, description: '`YYYY-MM-DD` (anything else is 400 bad_date).', examples: ['2026-01-12'] } as const;
const EDIT_KEY = 'sE7vK1pQ9wZx3LmN5bR2tYu';
const VIEW_KEY = 'sV4hJ8cD0fGa6SkW2nP1qXe';

/** `POST /api/series` body. */
export const createSeriesBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    title,
    cadence: { ...cadence, description: 'Default `weekly`.' },
    template: { type: 'string', description: 'The page each new meeting starts from; `{{title}}` and `{{date}}` are filled in.' },
    firstDate: { ...date, description: 'The date of the first meeting (default today), `YYYY-MM-DD`.' },
  },
  examples: [{ title: 'Status', cadence: 'weekly', firstDate: '2026-01-05' }],
} as const;

/** `POST /api/series/:id/meetings` body (optional). */
export const nextMeetingBody = {
  type: 'object',
  additionalProperties: false,
  properties: { date: { ...date, description: 'Default: the next date of the cadence.' }, title: { ...title, description: 'Default: the series title and the date.' } },
  examples: [{ date: '2026-01-12' }],
} as const;

/** `POST /api/meetings/:id/series` body (optional). */
export const fromMeetingBody = {
  type: 'object',
  additionalProperties: false,
  properties: { title: { ...title, description: "Default: the meeting's title." }, cadence },
  examples: [{ cadence: 'weekly' }],
} as const;

/** 201 of `POST /api/series` and `POST /api/meetings/:id/series`: the only answers with the series keys. */
export const createdSeries = {
  type: 'object',
  description: 'The new series with its two keys (shown only here).',
  required: ['id', 'title', 'cadence', 'editKey', 'viewKey', 'createdAt'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, title: { type: 'string' }, cadence, editKey: { type: 'string' }, viewKey: { type: 'string' }, createdAt: isoTime },
  examples: [{ id: SERIES_ID, title: 'Status', cadence: 'weekly', editKey: EDIT_KEY, viewKey: VIEW_KEY, createdAt: '2026-01-05T09:00:00.000Z' }],
} as const;

const counted = { type: 'integer', minimum: 0 } as const;

/** `GET /api/series/:id` 200. */
export const seriesInfo = {
  type: 'object',
  description: 'The series, its meetings newest first, and the rolling action log (every item still open across the series).',
  required: ['id', 'title', 'cadence', 'nextDate', 'role', 'createdAt', 'template', 'meetings', 'openItems'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    cadence,
    nextDate: { type: ['string', 'null'], format: 'date', description: 'The date the next meeting gets by default; null for cadence `none`.' },
    role,
    createdAt: isoTime,
    template: { type: 'string' },
    meetings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'date', 'openItems', 'doneItems', 'createdAt'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, title: { type: 'string' }, date: calendarDate, openItems: counted, doneItems: counted, createdAt: isoTime },
      },
    },
    openItems: {
      type: 'array',
      items: {
        type: 'object',
        required: [...Object.keys(actionItemProperties), 'meetingId', 'meetingTitle'],
        additionalProperties: false,
        properties: { ...actionItemProperties, meetingId: { type: 'string', description: 'The meeting the item was last seen in.' }, meetingTitle: { type: 'string' } },
      },
    },
  },
  examples: [
    {
      id: SERIES_ID,
      title: 'Status',
      cadence: 'weekly',
      nextDate: '2026-01-19',
      role: 'view',
      createdAt: '2026-01-05T09:00:00.000Z',
      template: '# {{title}}\n\n**{{date}}**\n\n# Notes\n',
      meetings: [{ id: MEETING_ID, title: 'Status 2026-01-12', date: '2026-01-12', openItems: 1, doneItems: 0, createdAt: '2026-01-12T09:00:00.000Z' }],
      openItems: [
        { id: 'a1b2c3', text: 'Book the room @anna', done: false, assignees: ['anna'], due: null, section: 'notes', line: 3, meetingId: MEETING_ID, meetingTitle: 'Status 2026-01-12' },
      ],
    },
  ],
} as const;

/** `POST /api/series/:id/meetings` 201: the next meeting, with its own keys. */
export const createdSeriesMeeting = {
  type: 'object',
  description: 'The new meeting (template plus **Carried over**) with its own keys (shown only here).',
  required: ['id', 'title', 'date', 'seriesId', 'editKey', 'viewKey'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, title: { type: 'string' }, date: calendarDate, seriesId: { type: 'string' }, editKey: { type: 'string' }, viewKey: { type: 'string' } },
  examples: [{ id: MEETING_ID, title: 'Status 2026-01-12', date: '2026-01-12', seriesId: SERIES_ID, editKey: 'nq8Hk2vB4yXo3sLw9ZrT1uQ', viewKey: 'Lp0sD7fJ2mWc5xKa8YbN6eR' }],
} as const;
