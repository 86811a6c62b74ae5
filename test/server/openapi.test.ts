/**
 * The API description cannot drift (issue 15, GUIDE 1.11): every route the server registers is in
 * /api/openapi.json and nothing else is (the routes are watched from before anything is
 * registered, so one added ahead of the openapi plugin is caught); the document is valid OpenAPI
 * 3.1 (the official schema, @seriousme/openapi-schema-validator); and for every route, real answers
 * to the requests of the case table (openapi-cases.ts: at least one success and one error each)
 * have a documented status and content type, a body the documented schema accepts (Ajv, JSON
 * Schema 2020-12), and lost no field the handler returned to the schema's serializer.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UNROUTED_OPERATIONS } from '../../server/http/openapi-document.js';
import { openapiRoutes } from '../../server/http/openapi-routes.js';
import { ROUTE_CASES, type ApiCase } from './openapi-cases.js';
import { startApiWorld, type ApiWorld } from './openapi-fixtures.js';
import { documentedPath, routeKeys as routeKeysOf, watchApp, type WatchedRoute } from './openapi-watch.js';

// The document is walked as plain JSON; its shape is what the validator above checked.
type Json = Record<string, any>;

let world: ApiWorld;
let doc: Json;

beforeAll(async () => {
  world = await startApiWorld();
  const response = await world.fx.send({ method: 'GET', url: '/api/openapi.json' });
  doc = JSON.parse(response.body) as Json;
}, 60_000);
afterAll(() => world?.close());

const operationIn = (document: Json, method: string, url: string): Json | undefined => document.paths?.[documentedPath(url)]?.[method.toLowerCase()];
const operation = (method: string, url: string): Json | undefined => operationIn(doc, method, url);
const split = (key: string): [string, string] => {
  const at = key.indexOf(' ');
  return [key.slice(0, at), key.slice(at + 1)];
};

/** The routes the document must describe (openapi-watch.ts), the WebSocket upgrade included. */
const routeKeys = (): string[] => routeKeysOf(world.watch.routes, (method, url) => operation(method, url) !== undefined, UNROUTED_OPERATIONS);

/** Of `routes`, those `document` does not describe. */
const undocumented = (document: Json, routes: readonly WatchedRoute[]): string[] =>
  routeKeysOf(routes, (method, url) => operationIn(document, method, url) !== undefined, []).filter((key) => !operationIn(document, ...split(key)));

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
formats.default(ajv);
// OpenAPI's own annotations inside Schema Objects.
ajv.addVocabulary(['example', 'xml', 'externalDocs']);
const compiled = new WeakMap<object, ValidateFunction>();
// Component schemas become $defs, so `#/components/schemas/X` references resolve inside one schema.
const validatorOf = (schema: Json): ValidateFunction => {
  let validate = compiled.get(schema);
  if (!validate) {
    const text = JSON.stringify({ ...schema, $defs: doc.components?.schemas ?? {} }).replaceAll('#/components/schemas/', '#/$defs/');
    validate = ajv.compile(JSON.parse(text) as Json);
    compiled.set(schema, validate);
  }
  return validate;
};

const documentedAnswer = (responses: Json, status: number): Json | undefined => responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
const essence = (type: string | undefined): string => (type ?? '').split(';')[0]!.trim().toLowerCase();
// A media type of the document for a content type: exact, then `type/*`, then `*/*` (parameters ignored).
const mediaFor = (content: Json, type: string): Json | undefined => {
  const byEssence = new Map(Object.entries(content).map(([key, media]) => [essence(key), media as Json]));
  return byEssence.get(type) ?? byEssence.get(`${type.split('/')[0]}/*`) ?? byEssence.get('*/*');
};
const isJson = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  test('describes every registered route, and no route the server does not have', () => {
    const keys = routeKeys();
    expect(keys).toContain('GET /healthz');
    expect(undocumented(doc, world.watch.routes)).toEqual([]);
    const documented = Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`));
    const expected = new Set(keys.map((key) => `${split(key)[0]} ${documentedPath(split(key)[1])}`));
    expect(documented.filter((key) => !expected.has(key))).toEqual([]);
  });

  test('gives every operation a summary, tags, security and an answer per status; operation ids are unique', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const key of routeKeys()) {
      const op = operation(...split(key)) ?? {};
      if (!op.summary) problems.push(`${key}: no summary`);
      if (!Array.isArray(op.tags) || op.tags.length === 0) problems.push(`${key}: no tags`);
      if (!Array.isArray(op.security)) problems.push(`${key}: no security`);
      for (const [status, answer] of Object.entries((op.responses ?? {}) as Json)) if (!(answer as Json).description || (answer as Json).description === 'Default Response') problems.push(`${key} ${status}: no description`);
      if (op.operationId && split(key)[0] !== 'HEAD') {
        if (ids.has(op.operationId)) problems.push(`${key}: operationId ${op.operationId} twice`);
        ids.add(op.operationId);
      }
    }
    expect(problems).toEqual([]);
  });

  test('would miss a route registered before the openapi plugin, and the route watch catches it', async () => {
    const { watch, instrument } = watchApp();
    const app = Fastify({ logger: false });
    instrument(app);
    const schema = { summary: 'x', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } };
    app.get('/too-early', { schema }, async () => ({ ok: true }));
    await app.register(openapiRoutes);
    app.get('/in-time', { schema }, async () => ({ ok: true }));
    await app.ready();
    try {
      const document = (await app.openapiDocument()) as Json;
      expect(operationIn(document, 'GET', '/in-time')).toBeDefined();
      expect(undocumented(document, watch.routes)).toEqual(['GET /too-early']);
    } finally {
      await app.close();
    }
  });

  test('/api/docs renders it as a page without scripts, under the strict CSP', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(response.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(response.body).not.toMatch(/<script|\son\w+=/i);
    for (const key of routeKeys()) expect(response.body).toContain(`<code>${documentedPath(split(key)[1])}</code>`);
    expect(response.body).toContain('meetingKeyQuery');
  });
});

describe('the case table', () => {
  test('has an entry for every route and none for a route that does not exist', () => {
    const keys = routeKeys();
    expect(keys.filter((key) => !ROUTE_CASES[key])).toEqual([]);
    expect(Object.keys(ROUTE_CASES).filter((key) => !keys.includes(key))).toEqual([]);
  });

  test('has a success and an error case per route (or says why no request can fail)', () => {
    const problems: string[] = [];
    for (const [key, { ok, errors }] of Object.entries(ROUTE_CASES)) {
      if (ok.length === 0 || ok.some((c) => c.status >= 300 || (c.status < 200 && c.status !== 101))) problems.push(`${key}: needs success cases (2xx or 101) only in ok`);
      if (Array.isArray(errors) ? errors.length === 0 || errors.some((c) => c.status < 400) : !errors.none) problems.push(`${key}: needs error cases (4xx/5xx) or a reason`);
    }
    expect(problems).toEqual([]);
  });
});

const allCases: Array<[string, ApiCase]> = Object.entries(ROUTE_CASES).flatMap(([key, { ok, errors }]) =>
  [...ok, ...(Array.isArray(errors) ? errors : [])].map((c): [string, ApiCase] => [`${key}: ${c.name} (${c.status})`, c]),
);

describe('real answers match the document', () => {
  test('a field the handler returns but the schema lacks is seen, though the serializer drops it', async () => {
    const { watch, instrument } = watchApp();
    const app = Fastify({ logger: false });
    instrument(app);
    app.get('/leaky', { schema: { response: { 200: { type: 'object', properties: { shown: { type: 'string' } } } } } }, async () => ({ shown: 'a', secret: 'b', nested: { x: 1 } }));
    try {
      const response = await app.inject({ method: 'GET', url: '/leaky' });
      expect(response.json()).toEqual({ shown: 'a' });
      expect(watch.dropped).toEqual(['GET /leaky 200: .secret, .nested']);
    } finally {
      await app.close();
    }
  });

  test.each(allCases)('%s', async (title, apiCase) => {
    const [method, url] = split(title.slice(0, title.indexOf(': ')));
    const request = await apiCase.request(world.fx);
    const droppedBefore = world.watch.dropped.length;
    const response = apiCase.ownApp ? await world.sendToOwnApp(apiCase.ownApp, request) : await world.fx.send(request);
    expect(response.status, response.body).toBe(apiCase.status);
    expect(world.watch.dropped.slice(droppedBefore), 'fields the handler returned that the documented schema lacks').toEqual([]);

    const op = operation(method, url);
    expect(op, `${method} ${url} is documented`).toBeDefined();
    const answer = documentedAnswer(op!.responses as Json, response.status);
    expect(answer, `status ${response.status} is documented`).toBeDefined();
    const content = answer!.content as Json | undefined;
    if (!content) {
      expect(response.body, 'an answer documented without content has no body').toBe('');
      return;
    }
    const type = essence(response.contentType);
    const media = mediaFor(content, type);
    expect(media, `content type ${type} of ${response.status} is documented (${Object.keys(content).join(', ')})`).toBeDefined();
    if (method === 'HEAD') return expect(response.body).toBe('');
    const validate = validatorOf(media!.schema as Json);
    const valid = validate(isJson(type) ? JSON.parse(response.body) : response.body);
    expect(validate.errors ?? [], response.body.slice(0, 500)).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the serializer check looked at the answers (it is not vacuous)', () => {
    expect(world.watch.compared).toBeGreaterThan(allCases.length / 2);
  });
});
