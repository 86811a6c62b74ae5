/**
 * Prometheus metrics of one app, in a registry of its own (never prom-client's global one, so two
 * apps in one process do not collide). The collab, registry and store observers feed the counters;
 * the app passes them in, so no module here knows about sockets or LevelDB.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { frameKind } from '../../shared/protocol.js';
import type { CollabDeps } from '../collab/collab-endpoint.js';
import type { RegistryObserver } from '../collab/room-registry.js';
import type { StoreObserver } from '../storage/meeting-store.js';
import type { BusObserver } from '../bus/meeting-bus.js';

// A hostile client chooses what it sends; label values derived from it are normalised and capped
// so it cannot grow the number of series without bound.
const MAX_LABEL_VALUES = 64;
const MAX_LABEL_LENGTH = 60;
const OTHER = 'other';

/** A label value safe to use: length cut, at most MAX_LABEL_VALUES distinct values; digits folded to N in text. */
const boundedLabel = (seen: Set<string>, { foldDigits = true } = {}) => (raw: string): string => {
  const value = (foldDigits ? raw.replace(/\d+/g, 'N') : raw).trim().slice(0, MAX_LABEL_LENGTH) || 'unknown';
  if (seen.has(value)) return value;
  if (seen.size >= MAX_LABEL_VALUES) return OTHER;
  seen.add(value);
  return value;
};

/** Sum of the sizes of the regular files under `dir` (LevelDB keeps a flat directory). */
export const directoryBytes = async (dir: string): Promise<number> => {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile()) total += await stat(path).then((s) => s.size, () => 0);
  }
  return total;
};

/** The observer the WebSocket endpoint calls. */
export type CollabObserver = NonNullable<CollabDeps['observer']>;

/** The metrics of one meetpad app and the observers that feed them. */
export class AppMetrics {
  /** The app's own registry: scrape it with `registry.metrics()`. */
  readonly registry = new Registry();
  readonly collab: CollabObserver;
  readonly rooms: RegistryObserver;
  readonly store: StoreObserver;
  readonly bus: BusObserver;
  readonly #health: { store?: () => boolean; redis?: () => boolean } = {};

  constructor(options: { dataDir: string }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const connections = new Gauge({ name: 'meetpad_connections', help: 'Open WebSocket connections, by role.', labelNames: ['role'], registers });
    connections.set({ role: 'edit' }, 0);
    connections.set({ role: 'view' }, 0);
    const meetingsLoaded = new Gauge({ name: 'meetpad_meetings_loaded', help: 'Meetings whose document is in memory.', registers });
    meetingsLoaded.set(0);
    const framesIn = new Counter({ name: 'meetpad_frames_in_total', help: 'WebSocket messages received and accepted for processing, by message type.', labelNames: ['type'], registers });
    const framesOut = new Counter({ name: 'meetpad_frames_out_total', help: 'WebSocket messages sent, by message type.', labelNames: ['type'], registers });
    const bytesIn = new Counter({ name: 'meetpad_bytes_in_total', help: 'Bytes of WebSocket messages received.', registers });
    const bytesOut = new Counter({ name: 'meetpad_bytes_out_total', help: 'Bytes of WebSocket messages sent.', registers });
    const closes = new Counter({ name: 'meetpad_connection_closes_total', help: 'Closed WebSocket connections, by close code (1000 when the client closed).', labelNames: ['code'], registers });
    const rejected = new Counter({ name: 'meetpad_rejected_frames_total', help: 'Frames refused (the connection is closed), by reason.', labelNames: ['reason'], registers });
    const refused = new Counter({ name: 'meetpad_upgrade_refusals_total', help: 'WebSocket upgrades refused before the handshake, by HTTP status.', labelNames: ['status'], registers });
    const persistSeconds = new Histogram({
      name: 'meetpad_persist_seconds',
      help: 'Time to write one group-commit batch (LevelDB, or one PostgreSQL transaction).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const batchSize = new Histogram({
      name: 'meetpad_write_batch_size',
      help: 'Operations in one group-commit batch.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers,
    });
    const persistFailures = new Counter({ name: 'meetpad_persist_failures_total', help: 'Write batches that failed (the affected rooms stop accepting edits).', registers });
    const storageFailures = new Counter({ name: 'meetpad_room_storage_failures_total', help: 'Rooms that stopped accepting edits after a storage failure.', registers });
    persistFailures.inc(0);
    storageFailures.inc(0);
    new Gauge({
      name: 'meetpad_store_size_bytes',
      help: 'Bytes on disk of the data directory, measured at scrape time.',
      registers,
      async collect() {
        this.set(await directoryBytes(options.dataDir));
      },
    });

    // Several instances (PostgreSQL + Redis): what a dashboard of the bus needs.
    const health = this.#health;
    new Gauge({
      name: 'meetpad_store_up',
      help: '1 while the store takes writes (0 after a failed write until one succeeds: LevelDB or PostgreSQL).',
      registers,
      collect() {
        this.set(health.store?.() === false ? 0 : 1);
      },
    });
    new Gauge({
      name: 'meetpad_redis_up',
      help: 'With REDIS_URL: 1 while both Redis connections are up (0: updates from other instances arrive through PostgreSQL only).',
      registers,
      collect() {
        this.set(health.redis ? (health.redis() ? 1 : 0) : 0);
      },
    });
    const busLag = new Histogram({
      name: 'meetpad_bus_lag_seconds',
      help: 'Bus delay: kind="update" from commit on another instance to receipt here (their clock), kind="heartbeat" this instance\'s own Redis round trip.',
      labelNames: ['kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const gapRepairs = new Counter({ name: 'meetpad_bus_gap_repairs_total', help: 'Reads of missed updates from PostgreSQL, by reason (gap, reconnect, silence, load).', labelNames: ['reason'], registers });
    const repairedRows = new Counter({ name: 'meetpad_bus_repaired_rows_total', help: 'Rows read from PostgreSQL by those repairs (0 when Redis delivered everything).', registers });
    const publishFailures = new Counter({ name: 'meetpad_bus_publish_failures_total', help: 'Messages that could not be published (Redis away); receivers read the updates from PostgreSQL.', registers });
    const instances = new Gauge({ name: 'meetpad_bus_instances', help: 'Other instances heard from within the presence TTL.', registers });
    for (const reason of ['gap', 'reconnect', 'silence', 'load']) gapRepairs.inc({ reason }, 0);
    publishFailures.inc(0);
    repairedRows.inc(0);
    this.bus = {
      lag: (kind, seconds) => busLag.observe({ kind }, seconds),
      repaired: (reason, rows) => {
        gapRepairs.inc({ reason });
        repairedRows.inc(rows);
      },
      publishFailed: () => publishFailures.inc(),
      instances: (count) => instances.set(count),
    };

    const reasonLabel = boundedLabel(new Set());
    const typeLabel = boundedLabel(new Set());
    const codeLabel = boundedLabel(new Set(), { foldDigits: false });
    this.collab = {
      frameIn: (type, bytes) => {
        framesIn.inc({ type: typeLabel(type) });
        bytesIn.inc(bytes);
      },
      // Given the frame, the type is read from its first bytes; without it, the type is "unknown".
      frameOut: (bytes: number, frame?: Uint8Array) => {
        framesOut.inc({ type: frame ? frameKind(frame) : 'unknown' });
        bytesOut.inc(bytes);
      },
      rejected: (reason) => rejected.inc({ reason: reasonLabel(reason) }),
      closed: (code) => closes.inc({ code: codeLabel(String(code)) }),
      refusedUpgrade: (status) => refused.inc({ status: codeLabel(String(status)) }),
      connected: (role, delta) => connections.inc({ role: role === 'edit' ? 'edit' : 'view' }, delta),
    };
    this.rooms = {
      onLoaded: () => meetingsLoaded.inc(),
      onUnloaded: () => meetingsLoaded.dec(),
      onStorageFailure: () => storageFailures.inc(),
    };
    this.store = {
      onBatch: (size, seconds, error) => {
        batchSize.observe(size);
        persistSeconds.observe(seconds);
        if (error !== undefined) persistFailures.inc();
      },
    };
  }

  /** Tells the health gauges where to look (the store and bus are made after the metrics). */
  watchHealth(health: { store?: () => boolean; redis?: () => boolean }): void {
    Object.assign(this.#health, health);
  }
}
