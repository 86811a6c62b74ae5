/** The drift test's cases (openapi-cases.ts) of the authorship route. */
import type { RouteCases } from './openapi-cases.js';
import { bearer } from './openapi-fixtures.js';

/** The cases of `GET /api/meetings/:id/authorship`. */
export const AUTHORSHIP_ROUTE_CASES: Record<string, RouteCases> = {
  'GET /api/meetings/:id/authorship': {
    ok: [
      { name: 'view key', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/authorship`, headers: bearer(fx.meeting.viewKey) }) },
      { name: 'edit key in the query', status: 200, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/authorship?key=${fx.meeting.editKey}` }) },
    ],
    errors: [
      { name: 'wrong key', status: 401, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.meeting.id}/authorship`, headers: bearer('wrong') }) },
      { name: 'unknown', status: 404, request: (fx) => ({ method: 'GET', url: `/api/meetings/${fx.unknownId}/authorship?key=whatever` }) },
    ],
  },
};
