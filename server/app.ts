/**
 * `buildApp(config, deps)`: the whole server as a Fastify instance, not yet listening. It opens the
 * store (unless given one), wires the room registry, the WebSocket endpoint and the routes, and
 * closes everything in order on `app.close()`: sockets get 1001, writes are flushed, the store closes.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { CLOSE } from '../shared/protocol.js';
import { systemClock, type Clock } from './clock.js';
import { CollabEndpoint } from './collab/collab-endpoint.js';
import { RoomRegistry } from './collab/room-registry.js';
import { drainConnections } from './http/connection-drain.js';
import type { Config } from './config.js';
import { Errors, isStorageUnavailable } from './errors.js';
import { clientRoutes } from './http/client-routes.js';
import { healthRoutes } from './http/health-routes.js';
import { LazySchemaCompilers } from './http/lazy-schema-compilers.js';
import { meetingsRoutes } from './http/meetings-routes.js';
import { itemsRoutes } from './http/items-routes.js';
import { seriesRoutes } from './http/series-routes.js';
import { adminRoutes } from './http/admin-routes.js';
import { runRoutes } from './http/run-routes.js';
import { openapiRoutes } from './http/openapi-routes.js';
import { AttendanceService } from './attendance/attendance-service.js';
import { MinutesService } from './minutes/minutes-service.js';
import { MeetingService } from './meetings/meeting-service.js';
import { durableTextReader } from './series/durable-text.js';
import { SeriesService } from './series/series-service.js';
import { AppMetrics } from './metrics/metrics.js';
import { metricsRoutes } from './metrics/metrics-routes.js';
import { redactUrl } from './security/keys.js';
import { originAllowed } from './security/origin.js';
import { LevelStore } from './storage/level-store.js';
import { StorageError, StoreOpenError, type MeetingStore } from './storage/meeting-store.js';
import type { PostgresStore } from './storage/postgres-store.js';
import { Webhooks } from './webhooks/webhooks.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';
import { Authorship } from './history/authorship.js';
import { authorshipRoutes } from './history/authorship-routes.js';
import { History } from './history/history.js';
import { historyRoutes } from './history/history-routes.js';
import { toRevision } from './history/history-schemas.js';
import { Restorer } from './history/restore.js';

/** Optional parts to inject (tests, tools). */
export interface AppDeps {
  /** An already opened store (closed by its owner); by default the app opens LevelDB in `config.dataDir`. */
  store?: MeetingStore;
  /** The clock (tests control time with it); by default the system clock. */
  clock?: Clock;
  /** Directory of the built web client; by default `dist/client` of this package. */
  clientDir?: string;
  /** Where the JSON log lines go; by default stdout. */
  logStream?: { write(line: string): void };
  /** Called on the bare Fastify instance before anything is registered (tests: hooks that see every route). */
  instrument?: (app: FastifyInstance) => void;
}

/** The state of a running meetpad app, reachable as `app.meetpad`. */
export interface MeetpadState {
  store: MeetingStore;
  registry: RoomRegistry;
  meetings: MeetingService;
  collab: CollabEndpoint;
  /** Who wrote what (history and the editor's author colours). */
  authorship: Authorship;
  /** Revisions of every meeting (the history routes, restore and webhooks use it). */
  history: History;
  /** The route schemas, compiled on first use; `compileAll()` compiles the rest. */
  schemas: LazySchemaCompilers;
  /** Starts draining: readiness fails and new upgrades are refused. */
  startDraining(): void;
  readiness(): { ready: boolean; reason?: string };
}

/** A Fastify instance with meetpad's state. */
export type MeetpadApp = FastifyInstance & { meetpad: MeetpadState };

const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};

const CSP = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: null,
  },
};

// Our codes are lower_snake_case (@fastify/error upper-cases them); Fastify's own become generic ones.
const publicErrorCode = (error: FastifyError): string => {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'too_large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  if (!error.code || error.code.startsWith('FST_')) return 'bad_request';
  return error.code.toLowerCase();
};

/** Builds the meetpad server. */
export const buildApp = async (config: Config, deps: AppDeps = {}): Promise<MeetpadApp> => {
  // Opened first, awaited once Fastify and the metrics are built: LevelDB opens on the thread pool
  // meanwhile. Batches only start after the open, when the metrics exist.
  let metrics: AppMetrics | undefined;
  const storeObserver = { onBatch: (size: number, seconds: number, error?: unknown) => metrics?.store.onBatch?.(size, seconds, error) };
  const opening: Promise<MeetingStore> =
    deps.store !== undefined
      ? Promise.resolve(deps.store)
      : config.store === 'postgres'
        ? // PostgreSQL and Redis code (pg, redis: a tenth of start-up) is loaded only when configured.
          import('./storage/postgres-store.js').then(({ PostgresStore }) => PostgresStore.open(config.databaseUrl, { poolSize: config.pgPoolSize, timeoutMs: config.pgTimeoutMs, observer: storeObserver }))
        : LevelStore.open(config.dataDir, { sync: config.syncWrites, observer: storeObserver });
  opening.catch(() => {}); // awaited below; not unhandled while Fastify is built
  const schemas = new LazySchemaCompilers();
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // Keys must never reach a log: URLs lose their key= value, Authorization is dropped.
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
      serializers: {
        req: (request) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
      },
    },
    bodyLimit: config.maxImportBytes * 2,
    // One proxy hop: request.ip is the address that proxy saw.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    // Unknown body fields are an error, not silently dropped. Route schemas are not checked against
    // the JSON Schema meta-schema at start (compiling it was a sixth of start-up): Ajv's strict mode
    // still refuses unknown keywords, and test/server/openapi.test.ts validates every schema.
    ajv: { customOptions: { removeAdditional: false, validateSchema: false } },
    // Validators and serializers compile on a route's first use, not all at start (a fifth of it).
    schemaController: schemas.schemaController,
  });
  deps.instrument?.(app);

  let draining = false;
  let lastProbe = 0;
  metrics = new AppMetrics({ dataDir: config.dataDir });
  const store = await opening;
  // A failed write makes store.writable false, which readiness reports (on PostgreSQL a failed
  // compaction or read too: the rule is the store's, postgres/health.ts).
  const clock = deps.clock ?? systemClock;
  // Instances sharing one PostgreSQL database fan out through Redis (GUIDE 1.10).
  const onPostgres = config.redisUrl ? store instanceof (await import('./storage/postgres-store.js')).PostgresStore : false;
  if (config.redisUrl && !onPostgres) throw new StoreOpenError('REDIS_URL joins instances that share one PostgreSQL database: use MEETPAD_STORE=postgres.');
  const bus = config.redisUrl && onPostgres ? new (await import('./bus/meeting-bus.js')).MeetingBus(store as PostgresStore, config, { clock, log: app.log, observer: metrics.bus }) : undefined;
  metrics.watchHealth({ store: () => store.writable, ...(bus ? { redis: () => bus.up } : {}) });
  const registry = new RoomRegistry(store, config, { log: app.log, clock, observer: metrics.rooms, ...(bus ? { fanout: bus } : {}) });
  bus?.attach(registry);
  const meetings = new MeetingService(store, registry, clock);
  const attendance = new AttendanceService(store, registry, clock, app.log, bus ? { instance: bus.instanceId } : {});
  const readText = durableTextReader(registry, meetings);
  const series = new SeriesService({ store, meetings, readText, clock, maxPageBytes: config.maxImportBytes });
  const minutes = new MinutesService({ meetings, attendance, clock });
  const webhooks = new Webhooks({ config, store, registry, meetings, series, minutes, clock, log: app.log });
  const authorship = new Authorship({ store, registry, clock, log: app.log });
  // Its room listener cuts a stopping room's last revision: closeAll (preClose) awaits it, before the store closes.
  const history = new History({ store, registry, meetings, clock, log: app.log, authorship });
  const restorer = new Restorer({ registry, history, authorship });
  history.onCut((meetingId, revision) => {
    if (revision.kind !== 'named') return;
    webhooks.revisionNamed(meetingId, toRevision(revision)).catch((error: unknown) => app.log.warn({ err: error, meetingId }, 'announcing a named revision failed'));
  });
  const collab = new CollabEndpoint({ config, store, registry, log: app.log, isDraining: () => draining, observer: metrics.collab });
  const state: MeetpadState = {
    store,
    registry,
    meetings,
    collab,
    authorship,
    history,
    schemas,
    startDraining: () => (draining = true),
    readiness: () => {
      if (draining) return { ready: false, reason: 'draining' };
      if (!store.writable) {
        // Stay red until a write succeeds again; probe at most once a second so recovery is seen
        // even while no traffic arrives.
        if (Date.now() - lastProbe > 1000) {
          lastProbe = Date.now();
          store.probe().catch(() => {});
        }
        return { ready: false, reason: 'storage write failed' };
      }
      return { ready: true };
    },
  };
  app.decorate('meetpad', state);
  app.server.on('upgrade', collab.handleUpgrade);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Storage trouble is the operator's to fix, not a bug: its own code, logged as a warning.
    if (error instanceof StorageError || isStorageUnavailable(error)) {
      request.log.warn({ err: error }, 'storage unavailable');
      const message = isStorageUnavailable(error) ? error.message : 'The server cannot read or save meetings right now';
      return reply.code(503).send({ error: 'storage_unavailable', message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ error: publicErrorCode(error), message: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `${request.method} ${redactUrl(request.url)} does not exist` }));

  // Cross-site requests may not change state (CSRF); same-origin and Origin-less tools may.
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && !originAllowed(request.headers.origin, request.headers.host, config.allowedOrigins)) {
      throw new Errors.OriginNotAllowed();
    }
  });

  await app.register(helmet, { contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false });
  // Before every route plugin: it documents the routes registered after it (/api/openapi.json).
  await app.register(openapiRoutes);
  await app.register(healthRoutes, { readiness: state.readiness });
  await app.register(meetingsRoutes, { config, meetings, store, seriesOf: (id) => series.linksOf(id) });
  await app.register(itemsRoutes, { meetings, readText });
  await app.register(authorshipRoutes, { meetings, authorship });
  await app.register(historyRoutes, { meetings, registry, history, restorer });
  await app.register(seriesRoutes, { config, meetings, series });
  await app.register(runRoutes, { meetings, attendance, minutes, clock });
  await app.register(adminRoutes, { config, store });
  await app.register(webhookRoutes, { config, meetings, series, webhooks: webhooks.service });
  await app.register(metricsRoutes, { metrics, token: config.metricsToken });
  await app.register(clientRoutes, { clientDir: deps.clientDir ?? resolve(packageRoot(), 'dist/client') });

  // Sockets first (so the HTTP server can finish closing), then flush and close the store.
  app.addHook('preClose', async () => {
    draining = true;
    collab.close();
    await registry.closeAll(CLOSE.shuttingDown, 'server shutting down');
  });
  // Deliveries left pending at the last stop (or by a dead instance) are sent once the app is ready.
  // Plain HTTP connections still open when close() starts must end too (server/http/connection-drain.ts).
  drainConnections(app);
  app.addHook('onReady', () => webhooks.start());
  app.addHook('onClose', async () => {
    await webhooks.close();
    await bus?.close();
    await history.close();
    if (!deps.store) await store.close();
  });
  return app as unknown as MeetpadApp;
};
