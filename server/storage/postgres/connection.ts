/**
 * Connections to PostgreSQL. pg emits 'error' on a client whose connection dies (a reset, a
 * terminated backend); the pool listens only while the client is idle, and an 'error' nobody
 * listens to ends the process. So a client checked out here has a listener for as long as it is
 * checked out, and a client that failed goes back with its error, so the pool discards it: the
 * failure reaches the caller as a rejected operation (a StorageError further up), never a crash.
 *
 * Two pools: one connection of its own for the group commit (its batches run one at a time), so
 * compactions, loads and repairs holding every other connection can never make a write wait.
 */
import pg from 'pg';

/** The pools of one store. */
export interface Pools {
  /** The group commit's one connection. */
  writes: pg.Pool;
  /** Reads, compactions and repairs. */
  reads: pg.Pool;
  /** Connections of `reads`. */
  readSize: number;
}

/** Opens the pools: `size` connections in all (the tools use 2; the server at least 3), `timeoutMs` per connection attempt. */
export const openPools = (url: string, size: number, timeoutMs: number): Pools => {
  const options = { connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs * 2, statement_timeout: timeoutMs * 2, keepAlive: true };
  const readSize = Math.max(1, size - 1);
  const pools = { writes: new pg.Pool({ ...options, max: 1 }), reads: new pg.Pool({ ...options, max: readSize }), readSize };
  // An idle connection dropped by the server (a restart) is discarded by the pool; the next
  // operation opens a new one.
  for (const pool of [pools.writes, pools.reads]) pool.on('error', () => {});
  return pools;
};

/** Closes both pools. */
export const closePools = async (pools: Pools): Promise<void> => {
  await Promise.all([pools.writes.end(), pools.reads.end()]);
};

/**
 * Runs `work` on a client of `pool`: listened to while checked out, released with the error that
 * broke it (a failed statement or a dead connection), so a broken client is never reused.
 */
export const withClient = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => void (broken ??= error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // Released first: the pool's own listener is back before ours goes.
    client.release(broken);
    client.off('error', onError);
  }
};
