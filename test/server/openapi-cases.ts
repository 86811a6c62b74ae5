/**
 * The drift test's case table (openapi.test.ts): real requests for every route, whose answers are
 * checked against what /api/openapi.json documents for them (status, content type, body schema).
 *
 * HOW TO ADD A ROUTE: add ONE entry below, keyed `METHOD /path` exactly as Fastify registers the
 * route (`:id` params, e.g. `POST /api/meetings/:id/webhooks`), with
 *   - `ok`: at least one case answered with a 2xx (or 101);
 *   - `errors`: at least one case answered with a 4xx/5xx, or `{ none: 'why no request can fail' }`.
 * A case builds its request from the fixtures `fx` (openapi-fixtures.ts: tokens, a meeting with its
 * keys, a series, `fx.newMeeting()` for one you may delete, `fx.send()` to set things up first).
 * `ownApp` runs the case on an app of its own that it may change (e.g. start draining).
 * A route without an entry fails the test; so does an entry for a route that does not exist.
 * HEAD routes that Fastify adds for every GET are covered by the GET entry; explicit ones need theirs.
 */
import type { MeetpadApp } from '../../server/app.js';
import { bearer, type ApiRequest, type Fixtures } from './openapi-fixtures.js';
import { WEBHOOK_ROUTE_CASES } from './webhook-api-cases.js';
import { AUTHORSHIP_ROUTE_CASES } from './authorship-api-cases.js';
import { HISTORY_ROUTE_CASES } from './history-api-cases.js';

/** One request and the status it must get. */
export interface ApiCase {
  name: string;
  status: number;
  request(fx: Fixtures): ApiRequest | Promise<ApiRequest>;
  /** Runs on a separate app, prepared by this, instead of the shared server. */
  ownApp?: (app: MeetpadApp) => void | Promise<void>;
}

/** The cases of one route. */
export interface RouteCases {
  ok: ApiCase[];
  errors: ApiCase[] | { none: string };
}

const upgrade = { upgrade: 'websocket' };

/** Every route, one entry each. */
export const ROUTE_CASES: Record<string, RouteCases> = {
  'GET /healthz': {
    ok: [{ name: 'alive', status: 200, request: () => ({ method: 'GET', url: '/healthz' }) }],
    errors: { none: 'liveness answers 200 whenever the process serves HTTP' },
  },
  'GET /readyz': {
    ok: [{ name: 'ready', status: 200, request: () => ({ method: 'GET', url: '/readyz' }) }],
    errors: [{ name: 'draining', status: 503, ownApp: (app) => app.meetpad.startDraining(), request: () => ({ method: 'GET', url: '/readyz' }) }],
  },
  'GET /api/openapi.json': {
    ok: [{ name: 'the description', status: 200, request: () => ({ method: 'GET', url: '/api/openapi.json' }) }],
    errors: { none: 'a static document, open to anyone' },
  },
  'GET /api/docs': {
    ok: [{ name: 'the page', status: 200, request: () => ({ method: 'GET', url: '/api/docs' }) }],
    errors: { none: 'a static page, open to anyone' },
  },
  'GET /api/time': {
    ok: [{ name: 'the server clock', status: 200, request: () => ({ method: 'GET', url: '/api/time' }) }],
    errors: { none: 'reads the clock, takes no input' },
  },
  'POST /api/meetings': {
    ok: [
      { name: 'JSON body', status: 201, request: (fx) => ({ method: 'POST', url: '/api/meetings', headers: bearer(fx.tokens.create), payload: { title: 'Planning' } }) },
      {
        name: 'raw Markdown',
        status: 201,
        request: (fx) => ({ method: 'POST', url: '/api/meetings?title=Imported', headers: { ...bearer(fx.tokens.create), 'content-type': 'text/markdown' }, payload: '# Imported\n\n# Notes\n' }),
      },
    ],
    errors: [
      { name: 'no creation token', status: 401, request: () => ({ method: 'POST', url: '/api/meetings', payload: {} }) },
      { name: 'unknown field', status: 400, request: (fx) => ({ method: 'POST', url: '/api/meetings', headers: bearer(fx.tokens.create), payload: { colour: 'red' } }) },
    ],
  },
  'GET /api/meetings': {
    ok: [{ name: 'first page', status: 200, request: (fx) => ({ method: 'GET', url: '/api/meetings?limit=2', headers: bearer(fx.tokens.admin) }) }],
    errors: [
      { name: 'wrong token', status: 401, request: () => ({ method: 'GET', url: '/api/meetings', headers: bearer('nope') }) },
      { name: 'limit out of range', status: 400, request: (fx) => ({ method: 'GET', url: '/api/meetings?limit=0', headers: bearer(fx.tokens.admin) }) },
    ],
  },
  'GET /api/meetings/:id': {
    ok: [
      { name: 'edit key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}`, headers: bearer(fx.meeting.editKey) }) },
      { name: 'series meeting, series view key in the query', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.seriesMeeting.id}?key=${fx.series.viewKey}` }) },
    ],
    errors: [
      { name: 'bad id', status: 400, request: (fx) => ({ method: 'GET', url: '/api/meetings/bad!id', headers: bearer(fx.meeting.editKey) }) },
      { name: 'wrong key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}`, headers: bearer('wrong') }) },
      { name: 'unknown', status: 404, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.unknownId}?key=whatever` }) },
    ],
  },
  'DELETE /api/meetings/:id': {
    ok: [{ name: 'edit key', status: 204, request: async (fx) => { const meeting = await fx.newMeeting(); return { method: 'DELETE', url: `/api/meetings/${meeting.id}`, headers: bearer(meeting.editKey) }; } }],
    errors: [{ name: 'view key', status: 403, request: (fx) => ({ method: 'DELETE', url: `/api/meetings/${fx.meeting.id}`, headers: bearer(fx.meeting.viewKey) }) }],
  },
  'GET /api/meetings/:id/export.md': {
    ok: [{ name: 'view key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/export.md?key=${fx.meeting.viewKey}` }) }],
    errors: [{ name: 'no key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/export.md` }) }],
  },
  'GET /api/meetings/:id/items': {
    ok: [{ name: 'view key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/items`, headers: bearer(fx.meeting.viewKey) }) }],
    errors: [{ name: 'unknown', status: 404, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.unknownId}/items`, headers: bearer('whatever') }) }],
  },
  'GET /api/meetings/:id/attendance': {
    ok: [{ name: 'view key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/attendance`, headers: bearer(fx.meeting.viewKey) }) }],
    errors: [{ name: 'wrong key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/attendance?key=wrong` }) }],
  },
  'GET /api/meetings/:id/minutes.md': {
    ok: [{ name: 'edit key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/minutes.md`, headers: bearer(fx.meeting.editKey) }) }],
    errors: [{ name: 'unknown', status: 404, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.unknownId}/minutes.md?key=whatever` }) }],
  },
  'POST /api/meetings/:id/series': {
    ok: [
      {
        name: 'creation token and the edit key in the query',
        status: 201,
        request: async (fx) => {
          const meeting = await fx.newMeeting();
          return { method: 'POST', url: `/api/meetings/${meeting.id}/series?key=${meeting.editKey}`, headers: bearer(fx.tokens.create), payload: { cadence: 'monthly' } };
        },
      },
    ],
    errors: [
      {
        name: 'already in a series',
        status: 409,
        request: (fx) => ({ method: 'POST', url: `/api/meetings/${fx.seriesMeeting.id}/series?key=${fx.seriesMeeting.editKey}`, headers: bearer(fx.tokens.create), payload: {} }),
      },
    ],
  },
  'POST /api/series': {
    ok: [{ name: 'with a first date', status: 201, request: (fx) => ({ method: 'POST', url: '/api/series', headers: bearer(fx.tokens.create), payload: { title: 'Standup', cadence: 'weekly', firstDate: '2026-02-02' } }) }],
    errors: [
      { name: 'no title', status: 400, request: (fx) => ({ method: 'POST', url: '/api/series', headers: bearer(fx.tokens.create), payload: { cadence: 'weekly' } }) },
      { name: 'impossible date', status: 400, request: (fx) => ({ method: 'POST', url: '/api/series', headers: bearer(fx.tokens.create), payload: { title: 'X', firstDate: '2026-02-30' } }) },
    ],
  },
  'GET /api/series/:id': {
    ok: [{ name: 'view key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/series/${fx.series.id}`, headers: bearer(fx.series.viewKey) }) }],
    errors: [{ name: 'a meeting key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/series/${fx.series.id}`, headers: bearer(fx.seriesMeeting.editKey) }) }],
  },
  'POST /api/series/:id/meetings': {
    ok: [{ name: 'no body', status: 201, request: async (fx) => { const series = await fx.newSeries(); return { method: 'POST', url: `/api/series/${series.id}/meetings`, headers: bearer(series.editKey) }; } }],
    errors: [{ name: 'view key', status: 403, request: (fx) => ({ method: 'POST', url: `/api/series/${fx.series.id}/meetings`, headers: bearer(fx.series.viewKey), payload: {} }) }],
  },
  'GET /api/series/:id/calendar.ics': {
    ok: [{ name: 'view key in the query', status: 200, request: (fx) => ({ method: 'GET', url: `/api/series/${fx.series.id}/calendar.ics?key=${fx.series.viewKey}` }) }],
    errors: [{ name: 'bad id', status: 400, request: () => ({ method: 'GET', url: '/api/series/x/calendar.ics?key=whatever' }) }],
  },
  'DELETE /api/series/:id': {
    ok: [{ name: 'edit key', status: 204, request: async (fx) => { const series = await fx.newSeries(); return { method: 'DELETE', url: `/api/series/${series.id}`, headers: bearer(series.editKey) }; } }],
    errors: [{ name: 'view key', status: 403, request: (fx) => ({ method: 'DELETE', url: `/api/series/${fx.series.id}`, headers: bearer(fx.series.viewKey) }) }],
  },
  'GET /api/admin/backup': {
    ok: [{ name: 'admin token', status: 200, request: (fx) => ({ method: 'GET', url: '/api/admin/backup', headers: bearer(fx.tokens.admin) }) }],
    errors: [{ name: 'no token', status: 401, request: () => ({ method: 'GET', url: '/api/admin/backup' }) }],
  },
  'GET /metrics': {
    ok: [{ name: 'metrics token', status: 200, request: (fx) => ({ method: 'GET', url: '/metrics', headers: bearer(fx.tokens.metrics) }) }],
    errors: [{ name: 'wrong token', status: 401, request: (fx) => ({ method: 'GET', url: '/metrics', headers: bearer(fx.tokens.admin) }) }],
  },
  'GET /collab/:id': {
    ok: [{ name: 'upgraded with the edit key', status: 101, request: (fx) => ({ method: 'GET', url: `/collab/${fx.meeting.id}?key=${fx.meeting.editKey}`, headers: upgrade }) }],
    errors: [
      { name: 'no key', status: 401, request: (fx) => ({ method: 'GET', url: `/collab/${fx.meeting.id}`, headers: upgrade }) },
      { name: 'unknown meeting', status: 404, request: (fx) => ({ method: 'GET', url: `/collab/${fx.unknownId}?key=whatever`, headers: upgrade }) },
      { name: 'not an upgrade', status: 404, request: (fx) => ({ method: 'GET', url: `/collab/${fx.meeting.id}?key=${fx.meeting.editKey}` }) },
    ],
  },
  'GET /m/:id': {
    ok: [{ name: 'the app shell', status: 200, request: (fx) => ({ method: 'GET', url: `/m/${fx.meeting.id}` }) }],
    errors: { none: 'the shell is served for any id: the page itself reports a meeting it cannot open' },
  },
  'GET /s/:id': {
    ok: [{ name: 'the app shell', status: 200, request: (fx) => ({ method: 'GET', url: `/s/${fx.series.id}` }) }],
    errors: { none: 'the shell is served for any id: the page itself reports a series it cannot open' },
  },
  'GET /*': {
    ok: [
      { name: 'the front page', status: 200, request: () => ({ method: 'GET', url: '/' }) },
      { name: 'an asset', status: 200, request: () => ({ method: 'GET', url: '/assets/app.js' }) },
    ],
    errors: [{ name: 'no such file', status: 404, request: () => ({ method: 'GET', url: '/assets/missing.js' }) }],
  },
  'HEAD /*': {
    ok: [{ name: 'an asset', status: 200, request: () => ({ method: 'HEAD', url: '/assets/app.js' }) }],
    errors: [{ name: 'no such file', status: 404, request: () => ({ method: 'HEAD', url: '/assets/missing.js' }) }],
  },
  ...WEBHOOK_ROUTE_CASES,
  ...AUTHORSHIP_ROUTE_CASES,
  ...HISTORY_ROUTE_CASES,
};
