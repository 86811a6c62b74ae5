/**
 * The JSON-schema pieces every route file shares (GUIDE 1.1): the coded error, id parameters, the
 * `?key=` query, the security requirements of each kind of credential, and helpers for answers that
 * are not JSON. Route schemas are the one source of /api/openapi.json, and Fastify serializes JSON
 * answers with them: a field missing from a response schema is silently dropped, so each schema
 * lists exactly what the route sends (`additionalProperties: false`) and `required` only what is
 * always there (a required field that is missing makes the answer a 500).
 */
import { CADENCES } from '../series/series-record.js';

/** `{ error, message }`: every refusal and failure. */
export const errorBody = {
  type: 'object',
  description: 'A coded error: `error` is a stable lower_snake_case code, `message` a sentence for people.',
  required: ['error', 'message'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', pattern: '^[a-z0-9_]+$', examples: ['wrong_key'] },
    message: { type: 'string', examples: ['This key does not open this meeting'] },
  },
  examples: [{ error: 'wrong_key', message: 'This key does not open this meeting' }],
} as const;

/** The error answers of a route: refusals (4xx) and server trouble (5xx). */
export const failures = {
  '4xx': { ...errorBody, description: 'Refused: a coded error (bad input 400, credentials 401/403, unknown 404, deleted 410, conflict 409, too large 413).' },
  '5xx': { ...errorBody, description: 'Server trouble: `storage_unavailable` (503) when the store cannot read or write, else `internal` (500).' },
} as const;

/** Only the 5xx answer: for routes that take no input to refuse. */
export const serverFailure = { '5xx': failures['5xx'] } as const;

const id = (what: string, example: string) =>
  ({ type: 'string', description: `The ${what} id: 8 to 64 characters of A-Z a-z 0-9 _ - (anything else is 400 before any lookup).`, examples: [example] }) as const;

/** A meeting id example. */
export const MEETING_ID = 'V1StGXR8_Z5jdHi6B-myT';
/** A series id example. */
export const SERIES_ID = 'QX4xq0s9KlmNbT2uW_e3r';

/** `:id` of a meeting. */
export const meetingIdParams = { type: 'object', required: ['id'], properties: { id: id('meeting', MEETING_ID) } } as const;
/** `:id` of a series. */
export const seriesIdParams = { type: 'object', required: ['id'], properties: { id: id('series', SERIES_ID) } } as const;

/** `?key=KEY`, the alternative to `Authorization: Bearer KEY` (documented by the security schemes). */
export const keyQuery = {
  type: 'object',
  properties: { key: { type: 'string', description: 'The key, for links and clients that cannot set a header (a Bearer header wins).' } },
} as const;

/** An ISO 8601 time. */
export const isoTime = { type: 'string', format: 'date-time', examples: ['2026-01-05T09:00:00.000Z'] } as const;
/** A calendar date, `YYYY-MM-DD`. */
export const calendarDate = { type: 'string', format: 'date', examples: ['2026-01-12'] } as const;
/** What a key grants. */
export const role = { type: 'string', enum: ['edit', 'view'] } as const;
/** How often a series meets. */
export const cadence = { type: 'string', enum: CADENCES } as const;

/** One action item (GUIDE 1.6), as the items route and the series' rolling log send it. */
export const actionItemProperties = {
  id: { type: 'string', description: 'Stays the same while the text does.' },
  text: { type: 'string', examples: ['Write the changelog @anna due 2026-01-09'] },
  done: { type: 'boolean' },
  assignees: { type: 'array', items: { type: 'string' }, examples: [['anna']] },
  due: { type: ['string', 'null'], format: 'date', description: '`YYYY-MM-DD`, or null.' },
  section: { type: 'string', enum: ['agenda', 'notes'] },
  line: { type: 'integer', minimum: 1, description: 'Line number within its section, from 1.' },
} as const;

/** The credential schemes, named by the security requirements below (components.securitySchemes). */
export const SECURITY_SCHEMES = {
  meetingKey: { type: 'http', scheme: 'bearer', description: "A meeting's edit or view key, `Authorization: Bearer KEY`. The keys of a meeting's series open it too." },
  meetingKeyQuery: { type: 'apiKey', in: 'query', name: 'key', description: "A meeting's edit or view key as `?key=KEY`." },
  seriesKey: { type: 'http', scheme: 'bearer', description: "A series' edit or view key, `Authorization: Bearer KEY`." },
  seriesKeyQuery: { type: 'apiKey', in: 'query', name: 'key', description: "A series' edit or view key as `?key=KEY`." },
  adminToken: { type: 'http', scheme: 'bearer', description: 'MEETPAD_ADMIN_TOKEN (without it the admin routes answer 403 admin_disabled).' },
  creationToken: { type: 'http', scheme: 'bearer', description: 'MEETPAD_CREATE_TOKEN, required to create meetings and series when it is set.' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'MEETPAD_METRICS_TOKEN, required to scrape /metrics when it is set.' },
} as const;

type Scheme = keyof typeof SECURITY_SCHEMES;
const anyOf = (schemes: readonly Scheme[], roles: readonly string[] = []) => schemes.map((scheme) => ({ [scheme]: roles }));
const meetingSchemes: Scheme[] = ['meetingKey', 'meetingKeyQuery', 'seriesKey', 'seriesKeyQuery'];

/**
 * Security requirements per kind of route. The role names (`edit`) say which key a route needs;
 * an empty object means "no credential needed" (the token is optional when the server has none).
 */
export const SECURITY = {
  /** Open to anyone who can reach the server. */
  none: [],
  /** A meeting's edit or view key, or one of its series. */
  anyMeetingKey: anyOf(meetingSchemes),
  /** A meeting's edit key, or its series' edit key. */
  meetingEditKey: anyOf(meetingSchemes, ['edit']),
  /** A series' edit or view key. */
  anySeriesKey: anyOf(['seriesKey', 'seriesKeyQuery']),
  /** A series' edit key. */
  seriesEditKey: anyOf(['seriesKey', 'seriesKeyQuery'], ['edit']),
  /** The admin token. */
  admin: [{ adminToken: [] }],
  /** The creation token when the server has one, else nothing. */
  creation: [{ creationToken: [] }, {}],
  /** The metrics token when the server has one, else nothing. */
  metrics: [{ metricsToken: [] }, {}],
} as const;

/** A 2xx answer whose body is text of `mediaType` (not serialized: the route sends a string or bytes), with its notable headers. */
export const textAnswer = (mediaType: string, description: string, example?: string, headers?: Record<string, { type: 'string'; description: string }>) =>
  ({
    description,
    ...(headers ? { headers } : {}),
    content: { [mediaType]: { schema: { type: 'string', ...(example === undefined ? {} : { examples: [example] }) } } },
  }) as const;

/** A 204 (or other) answer without a body. */
export const noBody = (description: string) => ({ type: 'null', description }) as const;
