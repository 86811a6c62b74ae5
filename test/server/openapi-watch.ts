/**
 * What the drift test watches on an app, hooked in before anything is registered (AppDeps
 * `instrument`): every route Fastify registers, also one registered before the openapi plugin
 * (which would be missing from the document), and every field a response serializer dropped (the
 * handler returned it, the schema does not have it: validating the sent body against that schema
 * cannot see it).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

/** One route as Fastify registered it. */
export interface WatchedRoute {
  method: string;
  url: string;
}

/** What was seen. */
export interface Watch {
  routes: WatchedRoute[];
  /** `METHOD /route status: path, path` per answer that lost fields in serialization. */
  dropped: string[];
  /** Answers compared before and after serialization. */
  compared: number;
}

// The paths of `before` (the handler's value, as plain JSON) that `after` (what was sent) lacks.
const droppedPaths = (before: unknown, after: unknown, path = ''): string[] => {
  if (Array.isArray(before)) return Array.isArray(after) ? before.flatMap((item, i) => droppedPaths(item, after[i], `${path}[${i}]`)) : [];
  if (before === null || typeof before !== 'object' || after === null || typeof after !== 'object') return [];
  return Object.entries(before).flatMap(([key, value]) =>
    key in after ? droppedPaths(value, (after as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}`],
  );
};

/** A fresh watch and the `instrument` hook that fills it. */
export const watchApp = (): { watch: Watch; instrument: (app: FastifyInstance) => void } => {
  const watch: Watch = { routes: [], dropped: [], compared: 0 };
  const instrument = (app: FastifyInstance): void => {
    const raw = new WeakMap<FastifyReply, unknown>();
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) watch.routes.push({ method, url: route.url });
    });
    app.addHook('preSerialization', async (_request, reply, payload) => {
      raw.set(reply, JSON.parse(JSON.stringify(payload)));
      return payload;
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (!raw.has(reply) || typeof payload !== 'string') return payload;
      watch.compared++;
      const lost = droppedPaths(raw.get(reply), JSON.parse(payload));
      if (lost.length) watch.dropped.push(`${request.method} ${request.routeOptions.url ?? request.url} ${reply.statusCode}: ${lost.join(', ')}`);
      return payload;
    });
  };
  return { watch, instrument };
};

/**
 * The routes the document must describe, as `METHOD /path`: every route, except the HEAD route
 * Fastify adds beside each GET (it answers like the GET without a body; the document says so
 * once) unless the document lists it, plus `unrouted` (served outside the router).
 */
export const routeKeys = (routes: readonly WatchedRoute[], documents: (method: string, url: string) => boolean, unrouted: readonly string[]): string[] => {
  const hasGet = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
  const keys = routes.filter((r) => !(r.method === 'HEAD' && hasGet.has(r.url) && !documents('HEAD', r.url))).map((r) => `${r.method} ${r.url}`);
  return [...new Set([...keys, ...unrouted])].sort();
};

/** `/api/meetings/:id` → `/api/meetings/{id}` (and `/*` → `/{*}`), as @fastify/swagger writes paths. */
export const documentedPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}').replace(/\*/g, '{*}');
