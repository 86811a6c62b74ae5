/**
 * Route schemas compiled when first used instead of at start-up. Fastify compiles every route's
 * validators (Ajv) and response serializers (fast-json-stringify) while the app gets ready: about
 * 75 ms of meetpad's start, for routes most processes never serve. These factories wrap Fastify's
 * own compilers (the same Ajv options, the same fast-json-stringify output) and compile a schema the
 * first time a request or a reply needs it; nothing is validated or serialized differently.
 *
 * A schema that cannot compile would now fail its first request (500) instead of the start, so
 * `compileAll()` compiles whatever is left: test/server/lazy-schema-compilers.test.ts calls it on the
 * whole app.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaControllerOptions = NonNullable<FastifyServerOptions['schemaController']>;
type Factories = NonNullable<SchemaControllerOptions['compilersFactory']>;

// The shapes Fastify calls (its own types are a union with Ajv's JTD serializers, which meetpad does not use).
interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
}
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type BuildValidator = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Validate;
type BuildSerializer = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => (data: unknown) => string;

/** Fastify's `schemaController` option, plus what is still to compile. */
export class LazySchemaCompilers {
  readonly #pending = new Set<() => unknown>();

  /** For `Fastify({ schemaController })`. */
  readonly schemaController: SchemaControllerOptions = {
    compilersFactory: {
      buildValidator: this.#lazyValidators(AjvCompiler() as unknown as BuildValidator) as unknown as Factories['buildValidator'],
      buildSerializer: this.#lazySerializers(SerializerSelector() as unknown as BuildSerializer) as unknown as Factories['buildSerializer'],
    },
  };

  /** How many compilations are still to do (each route part and status, plus each compiler itself). */
  pending(): number {
    return this.#pending.size;
  }

  /** Compiles every schema not compiled yet (a failure throws, naming nothing but Ajv's or fast-json-stringify's message); returns how many. */
  compileAll(): number {
    const pending = [...this.#pending];
    for (const compile of pending) compile();
    return pending.length;
  }

  /** `thunk`, run once, on first call; until then it is pending. */
  #once<T>(thunk: () => T): () => T {
    let value: T | undefined;
    let done = false;
    const run = (): T => {
      if (!done) {
        value = thunk();
        done = true;
        this.#pending.delete(run);
      }
      return value as T;
    };
    this.#pending.add(run);
    return run;
  }

  #lazyValidators(build: BuildValidator): BuildValidator {
    return (externalSchemas, options) => {
      // Even the Ajv instance is made on first use (its constructor adds the meta-schemas).
      const compiler = this.#once(() => build(externalSchemas, options));
      return (route) => {
        // Fastify lower-cases header names in a header schema only for its own compiler, not for a
        // custom one like this: a header schema compiled here would miss mixed-case names.
        if (route.httpPart === 'headers') throw new Error(`${route.method} ${route.url}: header schemas are not supported (server/http/lazy-schema-compilers.ts)`);
        const real = this.#once(() => compiler()(route));
        // Fastify reads `errors` after a failed call, and passes the parent object (so that Ajv may
        // coerce the root value) only to functions that have `schemaEnv`, as Ajv's do.
        const validate: Validate = function (this: unknown, data: unknown, context?: unknown) {
          const fn = real();
          const result = context !== undefined && fn.schemaEnv ? fn.call(this, data, context) : fn.call(this, data);
          validate.errors = fn.errors;
          return result;
        };
        validate.schemaEnv = true;
        return validate;
      };
    };
  }

  #lazySerializers(build: BuildSerializer): BuildSerializer {
    return (externalSchemas, options) => {
      const compiler = this.#once(() => build(externalSchemas, options));
      return (route) => {
        const real = this.#once(() => compiler()(route));
        return (data: unknown) => real()(data);
      };
    };
  }
}
