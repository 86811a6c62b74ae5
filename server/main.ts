/**
 * Entry point: read the configuration, open the store, build the app, listen; on SIGTERM/SIGINT
 * drain (refuse new work, close sockets with 1001, flush, close the store) and exit 0.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { StoreOpenError } from './storage/store.js';

const fail = (message: string): never => {
  process.stderr.write(`meetpad: ${message}\n`);
  process.exit(1);
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
  app.log.info(
    {
      version: process.env.npm_package_version,
      dataDir: config.dataDir,
      port: config.port,
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
