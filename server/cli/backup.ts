/**
 * `npm run backup -- DIR [--data-dir PATH | --database-url URL] [--server URL]`: writes every
 * meeting into the new or empty directory DIR (see backup-format.ts), from the store the server's
 * configuration selects (MEETPAD_STORE). On PostgreSQL it reads the database directly, instances
 * running or not. On LevelDB, with the server down it reads DATA_DIR directly; while a server
 * holds the directory (LevelDB lock) it asks that server's `GET /api/admin/backup` with
 * MEETPAD_ADMIN_TOKEN. `--server` skips the direct attempt.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { LevelStore } from '../storage/level-store.js';
import { StoreOpenError } from '../storage/meeting-store.js';
import { PostgresStore } from '../storage/postgres-store.js';
import { BackupError, readBackupItems, writeBackupDir, type BackupItem, type BackupLine, type BackupManifest } from '../backup/backup-format.js';
import { UsageError, cliConfig, describeTarget, parseArgs, runTool, storeTarget } from './cli-support.js';

/** Where the meetings come from. */
export interface BackupOptions {
  /** Backup directory (created; must be empty). */
  dir: string;
  /** Data directory to read when no server holds it. */
  dataDir: string;
  /** A PostgreSQL database to read instead of the data directory (MEETPAD_STORE=postgres). */
  databaseUrl?: string;
  /** A running server; tried when the data directory is locked, or only it when `serverOnly`. */
  serverUrl: string;
  serverOnly?: boolean;
  adminToken: string;
}

/** Items streamed by a running server. */
async function* itemsFromServer(serverUrl: string, adminToken: string): AsyncGenerator<BackupItem> {
  if (!adminToken) throw new BackupError('The data directory is in use by a running server; set MEETPAD_ADMIN_TOKEN to the server\'s admin token to back it up through it.');
  const url = new URL('/api/admin/backup', serverUrl);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
  } catch (error) {
    throw new BackupError(`Cannot reach the server at ${url.origin}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) throw new BackupError(`The server at ${url.origin} refused the backup: ${response.status} ${await response.text()}`);
  let count = 0;
  let records = 0;
  let ended = false;
  for await (const line of createInterface({ input: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream) })) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as BackupLine;
    if ('meeting' in parsed) {
      count++;
      const { record, state, markdown } = parsed.meeting;
      yield { meeting: { record, state: new Uint8Array(Buffer.from(state, 'base64')), markdown } };
    } else if ('record' in parsed) {
      records++;
      yield { record: parsed.record };
    } else if ('end' in parsed) {
      if (parsed.end.count !== count) throw new BackupError(`The server announced ${parsed.end.count} meetings but sent ${count}.`);
      if ((parsed.end.records ?? 0) !== records) throw new BackupError(`The server announced ${parsed.end.records} records but sent ${records}.`);
      ended = true;
    }
  }
  if (!ended) throw new BackupError('The backup stream ended early (server stopped or connection lost); the backup is incomplete.');
}

/** Takes a backup; says where it came from. */
export const backup = async (options: BackupOptions): Promise<{ manifest: BackupManifest; source: 'data-dir' | 'postgres' | 'server' }> => {
  if (!options.serverOnly && options.databaseUrl !== undefined) {
    // Shared by every instance: read directly, each meeting in one consistent statement.
    const store = await PostgresStore.open(options.databaseUrl, { poolSize: 2 });
    try {
      return { manifest: await writeBackupDir(options.dir, readBackupItems(store)), source: 'postgres' };
    } finally {
      await store.close();
    }
  }
  if (!options.serverOnly) {
    if (!existsSync(options.dataDir)) throw new BackupError(`Data directory ${options.dataDir} does not exist (set DATA_DIR or --data-dir).`);
    let store: LevelStore | undefined;
    try {
      store = await LevelStore.open(options.dataDir);
    } catch (error) {
      // Locked by a running server (or unreadable): the server can still serve the backup.
      if (!(error instanceof StoreOpenError)) throw error;
      if (!options.adminToken) throw new BackupError(`${error.message}\nTo back up a running server, set MEETPAD_ADMIN_TOKEN (and --server URL if it is not ${options.serverUrl}).`);
    }
    if (store) {
      try {
        return { manifest: await writeBackupDir(options.dir, readBackupItems(store)), source: 'data-dir' };
      } finally {
        await store.close();
      }
    }
  }
  return { manifest: await writeBackupDir(options.dir, itemsFromServer(options.serverUrl, options.adminToken)), source: 'server' };
};

const USAGE = 'npm run backup -- DIR [--data-dir PATH | --database-url URL] [--server URL]';

const localUrl = (host: string, port: number): string => {
  const local = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
};

const main = async (): Promise<void> => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  if (positional.length !== 1) throw new UsageError('give exactly one backup directory');
  const config = cliConfig();
  const server = options.get('server');
  const target = storeTarget(options, config);
  const { manifest, source } = await backup({
    dir: positional[0]!,
    dataDir: target.kind === 'level' ? target.dataDir : config.dataDir,
    ...(target.kind === 'postgres' ? { databaseUrl: target.databaseUrl } : {}),
    serverUrl: server ?? localUrl(config.host, config.port),
    serverOnly: server !== undefined,
    adminToken: config.adminToken,
  });
  const from = source === 'server' ? 'the running server' : source === 'postgres' ? describeTarget(target) : `the data directory ${target.kind === 'level' ? target.dataDir : ''}`;
  process.stdout.write(`backed up ${manifest.meetings.length} meetings into ${positional[0]} (from ${from})\n`);
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runTool('backup', USAGE, main);
