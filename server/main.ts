/**
 * Entry point: read the configuration, open the store, build the app, listen; on SIGTERM/SIGINT
 * drain (refuse new work, close sockets with 1001, flush, close the store) and exit 0.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { StoreOpenError } from './storage/meeting-store.js';

const fail = (message: string): never => {
  process.stderr.write(`meetpad: ${message}\n`);
  process.exit(1);
};

const packageVersion = async (): Promise<string> => {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(await readFile(new URL(candidate, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not at this depth (running from source vs. from dist/)
    }
  }
  return 'unknown';
};

const start = async (): Promise<void> => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }
  const app = await buildApp(config).catch((error: unknown) => {
    if (error instanceof StoreOpenError) fail(error.message);
    throw error;
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  app.log.info(
    {
      version: await packageVersion(),
      // Which store holds the meetings: a LevelDB directory, or PostgreSQL (its URL would carry the password).
      store: config.store === 'postgres' ? 'postgres' : resolve(config.dataDir),
      port: typeof address === 'object' && address ? address.port : config.port,
      limits: { maxFrameBytes: config.maxFrameBytes, maxDocBytes: config.maxDocBytes, maxConnectionsPerMeeting: config.maxConnectionsPerMeeting },
    },
    'meetpad ready',
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'draining');
    app.meetpad.startDraining();
    const timer = setTimeout(() => {
      app.log.error('drain timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app.close().then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

start().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
