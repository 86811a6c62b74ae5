/**
 * Configuration: the one schema of every setting, and the only reader of `process.env`.
 * Each setting has a type, a default and a meaning; the README's table is checked against this list.
 */

/** How a setting's text is parsed. */
type SettingKind = 'int' | 'bool' | 'string' | 'list' | 'log-level' | 'store';

interface SettingSpec {
  env: string;
  kind: SettingKind;
  default: string;
  min?: number;
  max?: number;
  description: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The storage backends. */
export const STORE_KINDS = ['level', 'postgres'] as const;

/** Every setting the server reads, keyed by its name in `Config`. */
export const SETTINGS = {
  port: { env: 'PORT', kind: 'int', default: '3000', min: 0, max: 65535, description: 'TCP port to listen on.' },
  host: { env: 'HOST', kind: 'string', default: '127.0.0.1', description: 'Address to bind; `0.0.0.0` to accept connections from other machines.' },
  dataDir: { env: 'DATA_DIR', kind: 'string', default: './data', description: 'LevelDB directory; one server process per directory.' },
  logLevel: { env: 'LOG_LEVEL', kind: 'log-level', default: 'info', description: 'One of fatal, error, warn, info, debug, trace, silent.' },
  adminToken: { env: 'MEETPAD_ADMIN_TOKEN', kind: 'string', default: '', description: 'Bearer token for `GET /api/meetings` (the server-wide list); empty disables the list.' },
  createToken: { env: 'MEETPAD_CREATE_TOKEN', kind: 'string', default: '', description: 'If set, `POST /api/meetings` requires `Authorization: Bearer` with this token.' },
  metricsToken: { env: 'MEETPAD_METRICS_TOKEN', kind: 'string', default: '', description: 'If set, `GET /metrics` requires `Authorization: Bearer` with this token; empty leaves it open to anyone who can reach the port.' },
  trustProxy: { env: 'MEETPAD_TRUST_PROXY', kind: 'bool', default: 'false', description: 'Behind one reverse proxy: take the client address from the last `X-Forwarded-For` entry (for per-address limits and logs).' },
  allowedOrigins: { env: 'MEETPAD_ALLOWED_ORIGINS', kind: 'list', default: '', description: 'Comma-separated Origins allowed to upgrade and to change state, besides the server\'s own host; `*` allows any.' },
  maxFrameBytes: { env: 'MEETPAD_MAX_FRAME_BYTES', kind: 'int', default: String(2 * 1024 * 1024), min: 1024, max: 64 * 1024 * 1024, description: 'Largest WebSocket message accepted (close 1009 above it).' },
  maxDocBytes: { env: 'MEETPAD_MAX_DOC_BYTES', kind: 'int', default: String(16 * 1024 * 1024), min: 4096, max: 1024 * 1024 * 1024, description: 'Largest stored size of one meeting; an update that would pass it is refused whole (close 1009).' },
  maxImportBytes: { env: 'MEETPAD_MAX_IMPORT_BYTES', kind: 'int', default: String(1024 * 1024), min: 1024, max: 64 * 1024 * 1024, description: 'Largest Markdown import or HTTP body (413 above it).' },
  maxConnectionsPerMeeting: { env: 'MEETPAD_MAX_CONNECTIONS_PER_MEETING', kind: 'int', default: '200', min: 1, max: 100000, description: 'Open sockets per meeting (503 before upgrade above it).' },
  maxConnectionsPerAddress: { env: 'MEETPAD_MAX_CONNECTIONS_PER_ADDRESS', kind: 'int', default: '100', min: 1, max: 100000, description: 'Open sockets per client IP address (429 before upgrade above it).' },
  messagesPerSecond: { env: 'MEETPAD_MESSAGES_PER_SECOND', kind: 'int', default: '300', min: 1, max: 1000000, description: 'Sustained messages per connection per second; above it the server stops reading that socket for a while (backpressure).' },
  bytesPerSecond: { env: 'MEETPAD_BYTES_PER_SECOND', kind: 'int', default: String(4 * 1024 * 1024), min: 1024, max: 1024 * 1024 * 1024, description: 'Sustained bytes per connection per second, enforced the same way.' },
  awarenessPerSecond: { env: 'MEETPAD_AWARENESS_PER_SECOND', kind: 'int', default: '30', min: 1, max: 10000, description: 'Awareness (cursor) messages per connection per second; faster ones are coalesced (the latest state is applied when the rate allows), a flood ten seconds deep closes with 4429.' },
  maxAwarenessIds: { env: 'MEETPAD_MAX_AWARENESS_IDS', kind: 'int', default: '4', min: 1, max: 1000, description: 'Awareness client ids one connection may introduce (close 1008 above it).' },
  maxSendBufferBytes: { env: 'MEETPAD_MAX_SEND_BUFFER_BYTES', kind: 'int', default: String(16 * 1024 * 1024), min: 65536, max: 1024 * 1024 * 1024, description: 'Unsent bytes queued to one slow client before it is disconnected (close 1013).' },
  pingIntervalMs: { env: 'MEETPAD_PING_INTERVAL_MS', kind: 'int', default: '30000', min: 100, max: 600000, description: 'Ping period; a peer that missed the previous pong is dropped.' },
  roomIdleMs: { env: 'MEETPAD_ROOM_IDLE_MS', kind: 'int', default: '30000', min: 0, max: 86400000, description: 'Grace period before an empty meeting is unloaded from memory (after its writes are flushed).' },
  syncWrites: { env: 'MEETPAD_SYNC_WRITES', kind: 'bool', default: 'false', description: 'fsync every write batch: survives power loss, not only process crashes, at the cost of write latency.' },
  compactEvery: { env: 'MEETPAD_COMPACT_EVERY', kind: 'int', default: '500', min: 2, max: 10000000, description: 'Fold a meeting\'s update log into its snapshot once it has this many entries.' },
  store: { env: 'MEETPAD_STORE', kind: 'store', default: 'level', description: '`level` (embedded LevelDB in `DATA_DIR`, one process) or `postgres` (`DATABASE_URL`; several instances may share it, see "Run several instances").' },
  databaseUrl: { env: 'DATABASE_URL', kind: 'string', default: '', description: 'PostgreSQL connection URL for `MEETPAD_STORE=postgres` (`postgres://user:password@host:5432/db`); the schema is created and migrated at start.' },
  pgPoolSize: { env: 'MEETPAD_PG_POOL_SIZE', kind: 'int', default: '10', min: 3, max: 1000, description: 'PostgreSQL connections per instance (at least 3): one of its own for the group commit (so writes never wait for a connection), the others for reads, compactions and gap repairs, of which compactions and repairs together never take the last one.' },
  pgTimeoutMs: { env: 'MEETPAD_PG_TIMEOUT_MS', kind: 'int', default: '5000', min: 100, max: 600000, description: 'Longest a PostgreSQL connection attempt may take (statements get twice as long); past it the write fails, the meeting refuses edits (4503) and `/readyz` turns red.' },
  redisUrl: { env: 'REDIS_URL', kind: 'string', default: '', description: 'Redis URL (`redis://host:6379`) joining instances that share one PostgreSQL database: updates, presence and deletions fan out through it. Empty: one instance.' },
  busHeartbeatMs: { env: 'MEETPAD_BUS_HEARTBEAT_MS', kind: 'int', default: '1000', min: 50, max: 60000, description: 'How often an instance announces itself on Redis (and checks who went silent).' },
  busPresenceTtlMs: { env: 'MEETPAD_BUS_PRESENCE_TTL_MS', kind: 'int', default: '5000', min: 100, max: 600000, description: 'An instance not heard for this long is taken for dead: the cursors of its clients disappear on the others (at most this plus one heartbeat after it died). Must be more than twice `MEETPAD_BUS_HEARTBEAT_MS`.' },
  busCatchupMs: { env: 'MEETPAD_BUS_CATCHUP_MS', kind: 'int', default: '1000', min: 50, max: 600000, description: 'How often an instance compares its meetings with PostgreSQL and reads what it missed (a lost Redis message is late by at most this).' },
  publicUrl: { env: 'MEETPAD_PUBLIC_URL', kind: 'string', default: '', description: 'The server\'s public address (`https://notes.example.org`), for links in webhook payloads; empty: the address each webhook was created through.' },
  webhookAllowPrivate: { env: 'MEETPAD_WEBHOOK_ALLOW_PRIVATE', kind: 'bool', default: 'false', description: 'Let webhooks reach private, loopback, link-local and other internal addresses (refused by default, at creation and at every connection).' },
  webhookDebounceMs: { env: 'MEETPAD_WEBHOOK_DEBOUNCE_MS', kind: 'int', default: '30000', min: 0, max: 86400000, description: '`meeting.updated` (and the action item and `meeting.ended` events found with it) is sent once the meeting has been quiet this long (at the latest 10 times this after the first edit).' },
  webhookRetryMs: { env: 'MEETPAD_WEBHOOK_RETRY_MS', kind: 'int', default: '10000', min: 10, max: 3600000, description: 'First wait before a failed delivery is tried again; it doubles with each failure (±25% jitter, at most 6 hours).' },
  webhookTimeoutMs: { env: 'MEETPAD_WEBHOOK_TIMEOUT_MS', kind: 'int', default: '10000', min: 100, max: 120000, description: 'Longest a webhook receiver may take to answer one delivery attempt.' },
  webhookGiveUpMs: { env: 'MEETPAD_WEBHOOK_GIVE_UP_MS', kind: 'int', default: String(3 * 24 * 3600 * 1000), min: 1000, max: 30 * 24 * 3600 * 1000, description: 'A delivery is retried for this long after its event, then marked failed; a webhook whose deliveries all failed for this long is disabled (a successful ping enables it again).' },
  webhookKey: { env: 'MEETPAD_WEBHOOK_KEY', kind: 'string', default: '', description: 'Key (at least 32 characters) that encrypts webhook signing secrets at rest; empty: a random key kept in `DATA_DIR/webhook-secrets.key`. Required, the same on each, for instances sharing PostgreSQL.' },
  shutdownTimeoutMs: { env: 'MEETPAD_SHUTDOWN_TIMEOUT_MS', kind: 'int', default: '10000', min: 0, max: 600000, description: 'Longest a SIGTERM drain may take before the process exits anyway.' },
} as const satisfies Record<string, SettingSpec>;

type Settings = typeof SETTINGS;
type ValueOf<S extends SettingSpec> = S['kind'] extends 'int'
  ? number
  : S['kind'] extends 'bool'
    ? boolean
    : S['kind'] extends 'list'
    ? string[]
    : S['kind'] extends 'log-level'
      ? (typeof LOG_LEVELS)[number]
      : S['kind'] extends 'store'
        ? (typeof STORE_KINDS)[number]
        : string;

/** The validated configuration of one server. */
export type Config = { -readonly [K in keyof Settings]: ValueOf<Settings[K]> };

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Variables that are not ours but commonly present; everything else prefixed MEETPAD_ must be known.
const OWN_PREFIX = 'MEETPAD_';

const parseSetting = (spec: SettingSpec, raw: string): unknown => {
  switch (spec.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${spec.env}: expected a whole number, got "${raw}"`);
      const value = Number(raw.trim());
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw new ConfigError(`${spec.env}: ${value} is outside ${spec.min}..${spec.max}`);
      }
      return value;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${spec.env}: expected true or false, got "${raw}"`);
      return raw === 'true';
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'log-level':
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
        throw new ConfigError(`${spec.env}: expected one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
      }
      return raw;
    case 'store':
      if (!(STORE_KINDS as readonly string[]).includes(raw)) throw new ConfigError(`${spec.env}: expected one of ${STORE_KINDS.join(', ')}, got "${raw}"`);
      return raw;
    case 'string':
      return raw;
  }
};

/** Builds a configuration from environment-style variables; throws ConfigError naming the bad variable. */
export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const known = new Set<string>(Object.values(SETTINGS).map((spec) => spec.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith(OWN_PREFIX) && !known.has(name)) {
      throw new ConfigError(`${name}: unknown setting (known: ${[...known].filter((n) => n.startsWith(OWN_PREFIX)).join(', ')})`);
    }
  }
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [string, SettingSpec][]) {
    const raw = env[spec.env];
    config[key] = parseSetting(spec, raw === undefined || raw === '' ? spec.default : raw);
  }
  // Settings that only make sense together.
  if (config.store === 'postgres' && !config.databaseUrl) throw new ConfigError('DATABASE_URL: required with MEETPAD_STORE=postgres');
  if (typeof config.webhookKey === 'string' && config.webhookKey !== '' && config.webhookKey.length < 32) throw new ConfigError('MEETPAD_WEBHOOK_KEY: use at least 32 characters (for example `openssl rand -base64 32`)');
  if (config.publicUrl && !/^https?:\/\/[^/?#\s]+\/?$/.test(config.publicUrl as string)) throw new ConfigError('MEETPAD_PUBLIC_URL: expected http(s)://host[:port] without a path');
  if (config.redisUrl && config.store !== 'postgres') throw new ConfigError('REDIS_URL: instances joined through Redis must share one database: set MEETPAD_STORE=postgres and DATABASE_URL');
  // One lost or late heartbeat must not make a live instance look dead (its cursors would vanish).
  if ((config.busPresenceTtlMs as number) <= 2 * (config.busHeartbeatMs as number)) {
    throw new ConfigError(
      `MEETPAD_BUS_PRESENCE_TTL_MS: ${config.busPresenceTtlMs} must be more than twice MEETPAD_BUS_HEARTBEAT_MS (${config.busHeartbeatMs}), so that one missed heartbeat does not make a live instance look dead`,
    );
  }
  return config as Config;
};

/** The configuration of this process, from `process.env`. */
export const loadConfig = (): Config => parseConfig(process.env);

/** The defaults, with overrides: for tests and embedding. */
export const configWith = (overrides: Partial<Config> = {}): Config => ({ ...parseConfig({}), ...overrides });

/** Markdown table of every setting, for the README. */
export const configTable = (): string => {
  const rows = (Object.values(SETTINGS) as SettingSpec[]).map((spec) => {
    const shown = spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    return `| \`${spec.env}\` | ${spec.kind} | ${shown} | ${spec.description} |`;
  });
  return ['| variable | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
};
