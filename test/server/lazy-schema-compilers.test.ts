/**
 * Route schemas compile on first use (server/http/lazy-schema-compilers.ts), and what they do is
 * what Fastify's own compilers do: the same 400 for a body Ajv refuses (with Ajv coercing and
 * the same message), the same serialized reply (fields outside the schema dropped), and a schema
 * that cannot compile is caught by `compileAll()`. On the whole app, start-up compiles nothing and
 * every schema compiles.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { LazySchemaCompilers } from '../../server/http/lazy-schema-compilers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ajv = { customOptions: { removeAdditional: false, validateSchema: false } };
const routeSchema = {
  body: { type: 'object', required: ['count'], additionalProperties: false, properties: { count: { type: 'integer', minimum: 1 } } },
  querystring: { type: 'object', properties: { page: { type: 'integer' } } },
  response: { 200: { type: 'object', properties: { doubled: { type: 'integer' }, page: { type: 'integer' } } } },
};

const apps: FastifyInstance[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The same route on Fastify's own compilers (`lazy` undefined) or on the lazy ones. */
const appWith = async (lazy?: LazySchemaCompilers): Promise<FastifyInstance> => {
  const app = Fastify({ ajv, ...(lazy ? { schemaController: lazy.schemaController } : {}) });
  apps.push(app);
  app.post<{ Body: { count: number }; Querystring: { page?: number } }>('/double', { schema: routeSchema }, async (request) => ({
    doubled: request.body.count * 2,
    page: request.query.page,
    secret: 'never serialized',
  }));
  await app.ready();
  return app;
};

const requests = [
  { payload: { count: 4 }, query: '?page=2' },
  { payload: { count: 0 }, query: '' },
  { payload: { count: 'x' }, query: '' },
  { payload: { count: 3, extra: true }, query: '' },
  { payload: {}, query: '?page=abc' },
];

describe('lazy schema compilers', () => {
  it('compile nothing until a request needs it, then validate and serialize as Fastify does', async () => {
    const lazy = new LazySchemaCompilers();
    const app = await appWith(lazy);
    const eager = await appWith();
    // The validator and serializer builders, body, querystring and the 200 serializer.
    expect(lazy.pending()).toBe(5);
    for (const { payload, query } of requests) {
      const [mine, theirs] = await Promise.all([app, eager].map((instance) => instance.inject({ method: 'POST', url: `/double${query}`, payload })));
      expect({ status: mine!.statusCode, body: mine!.body }).toEqual({ status: theirs!.statusCode, body: theirs!.body });
    }
    expect(lazy.pending()).toBe(0);
  });

  it('compileAll compiles the rest, and reports a schema that cannot compile', async () => {
    const lazy = new LazySchemaCompilers();
    const app = Fastify({ ajv, schemaController: lazy.schemaController });
    apps.push(app);
    app.get('/broken', { schema: { querystring: { type: 'object', properties: { n: { type: 'integer', notAKeyword: 1 } } } } }, async () => 'ok');
    await app.ready();
    expect(() => lazy.compileAll()).toThrow(/notAKeyword/);
  });

  it('refuses a header schema at start (Fastify lower-cases those only for its own compiler)', async () => {
    const lazy = new LazySchemaCompilers();
    const app = Fastify({ ajv, schemaController: lazy.schemaController });
    apps.push(app);
    app.get('/headers', { schema: { headers: { type: 'object', required: ['X-Token'], properties: { 'X-Token': { type: 'string' } } } } }, async () => 'ok');
    await expect(app.ready()).rejects.toThrow(/header schemas are not supported/);
  });

  it("wraps the very compiler packages Fastify resolves (an upgrade that moves Fastify's copies away from ours fails here)", () => {
    const ours = createRequire(import.meta.url);
    const fastifys = createRequire(ours.resolve('fastify'));
    for (const name of ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']) expect(ours.resolve(name), name).toBe(fastifys.resolve(name));
  });

  it('the app starts with every route schema pending, and every one compiles', async () => {
    const server = await startTestServer();
    servers.push(server);
    const atStart = server.app.meetpad.schemas.pending();
    expect(atStart).toBeGreaterThan(100);
    const ready = await fetch(`${server.url}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200 });
    // Its serializer compiled for that answer.
    expect(server.app.meetpad.schemas.pending()).toBeLessThan(atStart);
    expect(server.app.meetpad.schemas.compileAll()).toBeGreaterThan(100);
    expect(server.app.meetpad.schemas.pending()).toBe(0);
  });
});
