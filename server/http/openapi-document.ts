/**
 * What /api/openapi.json says besides the route schemas: the overview, the tags, the security
 * schemes, and the one endpoint outside Fastify's router, the WebSocket upgrade `GET /collab/:id`
 * (collab-endpoint.ts handles the HTTP server's 'upgrade' event itself).
 */
import { errorBody, MEETING_ID, SECURITY, SECURITY_SCHEMES } from './api-schemas.js';

/** Routes served outside Fastify's router, as `METHOD /path` the way Fastify would write them. */
export const UNROUTED_OPERATIONS = ['GET /collab/:id'] as const;

const DESCRIPTION = `The HTTP API of meetpad, a self-hosted real-time collaborative meeting-notes server.

Credentials: a meeting's (or its series') edit or view key as \`Authorization: Bearer KEY\` or \`?key=KEY\`; the admin, creation and metrics tokens as Bearer only. Keys are checked before the body is looked at.

Errors are JSON \`{ "error": CODE, "message": TEXT }\` with a stable lower_snake_case code; requests that change state from another Origin are refused (403 origin_not_allowed).

Every GET route also answers HEAD (same status and headers, no body); those are not listed separately.`;

const TAGS = [
  { name: 'meetings', description: 'Create, read, export and delete meetings (GUIDE 1.1, 1.6).' },
  { name: 'series', description: 'Recurring meetings with a rolling action log (GUIDE 1.7).' },
  { name: 'running', description: "The server's clock, attendance and minutes (GUIDE 1.8)." },
  { name: 'webhooks', description: 'Signed, retried deliveries of meeting events (GUIDE 1.11).' },
  { name: 'history', description: 'Revisions, changes between them, restore, and who wrote what (GUIDE 1.9).' },
  { name: 'collaboration', description: 'The real-time document over y-websocket (GUIDE 1.2).' },
  { name: 'admin', description: 'Server-wide routes for the admin token.' },
  { name: 'operations', description: 'Health, readiness and metrics for load balancers and Prometheus.' },
  { name: 'api description', description: 'This document and its page.' },
  { name: 'web client', description: 'The pages and files of the browser app.' },
];

const refusal = (description: string) => ({ description, content: { 'application/json': { schema: errorBody } } });

const collabPath = {
  get: {
    summary: 'Join a meeting (WebSocket)',
    description: `Upgrades to a WebSocket speaking the standard y-websocket protocol (sync steps, updates, awareness), so the stock client works: \`new WebsocketProvider('ws://HOST/collab', id, doc, { params: { key } })\`. Refused before the upgrade with an HTTP status and a coded error. After it the server closes with 1001 (shutting down), 1008 (malformed or disallowed message), 1009 (too large), 1011 (internal), 1013 (overloaded), 4403 (a view key tried to edit), 4404 (meeting deleted), 4429 (rate limited) or 4503 (storage unavailable).`,
    operationId: 'joinMeeting',
    tags: ['collaboration'],
    security: SECURITY.anyMeetingKey,
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string', examples: [MEETING_ID] }, description: 'The meeting id.' },
      { name: 'acks', in: 'query', required: false, schema: { type: 'string', enum: ['1'] }, description: 'Ask for "saved" messages after each durable write that holds your edits.' },
      { name: 'Upgrade', in: 'header', required: true, schema: { type: 'string', enum: ['websocket'] } },
      { name: 'Connection', in: 'header', required: true, schema: { type: 'string', examples: ['Upgrade'] } },
    ],
    responses: {
      101: { description: 'Switching Protocols: the y-websocket session starts.' },
      400: refusal('bad_meeting_id'),
      401: refusal('key_required or wrong_key'),
      403: refusal('origin_not_allowed'),
      404: refusal('meeting_not_found, or not an upgrade request (not_found)'),
      410: refusal('meeting_deleted'),
      429: refusal('too_many_connections from this address'),
      503: refusal('draining, meeting_full or storage_unavailable'),
    },
  },
};

/** The `openapi` option of @fastify/swagger: a fresh object per app (the plugin adds the routes' paths into it). */
export const openapiBase = (version: string) => ({
  openapi: '3.1.0',
  info: { title: 'meetpad', version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
  tags: TAGS.map((tag) => ({ ...tag })),
  components: { securitySchemes: structuredClone(SECURITY_SCHEMES) as Record<string, object> },
  paths: { '/collab/{id}': structuredClone(collabPath) },
});
