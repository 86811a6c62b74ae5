/**
 * What the command-line tools share: argument parsing, the configuration, and one way to fail.
 * The tools print to stdout/stderr (they are not the server, so they do not log JSON).
 */
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { MeetingStore } from '../storage/meeting-store.js';

/** Positional arguments and `--name value` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
}

/** Parses `argv` (without node and the script); `flags` are options without a value. */
export const parseArgs = (argv: string[], flags: readonly string[] = []): ParsedArgs => {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) options.set(name, 'true');
    else if (inline !== undefined) options.set(name, inline);
    else if (i + 1 < argv.length) options.set(name, argv[++i]!);
    else throw new UsageError(`--${name} needs a value`);
  }
  return { positional, options };
};

/** Wrong command-line usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The server's configuration from the environment (DATA_DIR, MEETPAD_ADMIN_TOKEN, PORT...). */
export const cliConfig = (): Config => {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
};

/** The store a tool works on: a LevelDB directory, or a PostgreSQL database. */
export type StoreTarget = { kind: 'level'; dataDir: string } | { kind: 'postgres'; databaseUrl: string };

/**
 * The store a tool works on: `--database-url` or `--data-dir` if given, else the one the server's
 * configuration selects (MEETPAD_STORE), so a tool never reads a LevelDB directory the server has
 * left behind for PostgreSQL.
 */
export const storeTarget = (options: Map<string, string>, config: Config): StoreTarget => {
  const [url, dir] = [options.get('database-url'), options.get('data-dir')];
  if (url !== undefined && dir !== undefined) throw new UsageError('give --database-url or --data-dir, not both');
  if (url !== undefined) return { kind: 'postgres', databaseUrl: url };
  if (dir !== undefined) return { kind: 'level', dataDir: dir };
  return config.store === 'postgres' ? { kind: 'postgres', databaseUrl: config.databaseUrl } : { kind: 'level', dataDir: config.dataDir };
};

/** Where a target is, in words (database URLs without their password). */
export const describeTarget = (target: StoreTarget): string => {
  if (target.kind === 'level') return target.dataDir;
  try {
    const url = new URL(target.databaseUrl);
    return `PostgreSQL (${url.host}${url.pathname})`;
  } catch {
    return 'PostgreSQL';
  }
};

/** Whether a store holds no meeting and no record. */
export const isEmptyStore = async (store: MeetingStore): Promise<boolean> => {
  for await (const _id of store.meetingIds()) return false;
  for await (const _record of store.allRecords()) return false;
  return true;
};

/** Runs a tool's main function: prints its error (without a stack for expected ones) and sets the exit code. */
export const runTool = (name: string, usage: string, main: () => Promise<void>): void => {
  main().catch((error: unknown) => {
    const expected = error instanceof Error && ['UsageError', 'BackupError', 'StoreOpenError'].includes(error.name);
    process.stderr.write(`${name}: ${expected ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`usage: ${usage}\n`);
    process.exitCode = 1;
  });
};
