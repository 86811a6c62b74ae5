/**
 * @fastify/swagger, loaded when the API description is first asked for instead of at start-up
 * (it and what it loads, yaml and a JSON-schema resolver, were a tenth of meetpad's start). Until
 * then this plugin only records what the swagger plugin's own hooks would have seen: every route as
 * it is added (the same route objects, so what later onRoute hooks change in them shows as before)
 * and every plugin instance registered. On first use it runs the real plugin against a stand-in
 * instance and replays those hooks in their order, so the document is what an eagerly registered
 * @fastify/swagger builds.
 *
 * Like @fastify/swagger, it must be registered (not encapsulated) before the routes it describes.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';

type Hook = (...args: never[]) => unknown;

/** Starts recording routes on `app`; the returned function builds (once) and returns the OpenAPI document. */
export const deferSwagger = (app: FastifyInstance, options: () => SwaggerOptions): (() => Promise<Record<string, unknown>>) => {
  const routes: RouteOptions[] = [];
  const instances: FastifyInstance[] = [];
  let ready = false;
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onRegister', (instance) => void instances.push(instance));
  app.addHook('onReady', async () => {
    ready = true;
  });

  let document: Promise<Record<string, unknown>> | undefined;
  const build = async (): Promise<Record<string, unknown>> => {
    if (!ready) throw new Error('the API description is built after app.ready()');
    const { default: swagger } = await import('@fastify/swagger');
    const hooks = new Map<string, Hook[]>();
    let describe: (() => Record<string, unknown>) | undefined;
    // What @fastify/swagger calls on its instance: hooks, its one decoration, and the shared schemas.
    const standIn = {
      addHook: (name: string, hook: Hook) => void hooks.set(name, [...(hooks.get(name) ?? []), hook]),
      decorate: (_name: string, value: () => Record<string, unknown>) => void (describe = value),
      getSchemas: () => app.getSchemas(),
    };
    await new Promise<void>((resolve, reject) => swagger(standIn as unknown as FastifyInstance, options(), (error?: Error) => (error ? reject(error) : resolve())));
    const run = async (name: string, ...args: unknown[]): Promise<void> => {
      for (const hook of hooks.get(name) ?? []) {
        // A callback-style hook (onReady with `done`) finishes when it calls back.
        if (hook.length > args.length) await new Promise<void>((resolve, reject) => (hook as (...a: unknown[]) => unknown).call(standIn, ...args, (error?: Error) => (error ? reject(error) : resolve())));
        else await (hook as (...a: unknown[]) => unknown).call(standIn, ...args);
      }
    };
    for (const instance of instances) await run('onRegister', instance);
    for (const route of routes) await run('onRoute', route);
    await run('onReady');
    if (!describe) throw new Error('@fastify/swagger decorated nothing');
    return describe();
  };
  return () => {
    document ??= build();
    // A failed build may be retried (a later request gets the error again, not a stale promise).
    document.catch(() => (document = undefined));
    return document;
  };
};
