/**
 * Compaction on PostgreSQL: several instances may hold the same meeting, and each one's document
 * may lag behind the others', so the fold is made from the stored rows, never from an in-memory
 * document. One instance at a time folds a meeting, under a transaction-scoped advisory lock; an
 * instance that finds the lock taken skips (the other one is doing the work). The new snapshot,
 * its folded_seq and the deletion of the folded rows commit together.
 */
import type pg from 'pg';
import * as Y from 'yjs';
import { asBuffer } from './batch.js';
import { withClient } from './connection.js';

/** First half of the advisory lock key of compactions; the second is `hashtext(meeting id)`. */
export const COMPACTION_LOCK_SPACE = 0x6d70;

/** What a compaction did. */
export type CompactionResult = 'folded' | 'nothing-to-fold' | 'locked-elsewhere' | 'meeting-gone';

/** Folds the stored rows of meeting `id` with sequence numbers up to `upTo` into its snapshot. */
export const compactStored = (pool: pg.Pool, id: string, upTo: number): Promise<CompactionResult> =>
  withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      return await foldLocked(client, id, upTo);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });

// Inside the transaction: takes the lock, folds, and commits (or rolls back when there is nothing to do).
const foldLocked = async (client: pg.PoolClient, id: string, upTo: number): Promise<CompactionResult> => {
  const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [COMPACTION_LOCK_SPACE, id]);
  if (!lock.rows[0]?.locked) {
    await client.query('ROLLBACK');
    return 'locked-elsewhere';
  }
  const doc = await client.query<{ snapshot: Buffer; folded_seq: string }>('SELECT snapshot, folded_seq FROM meetpad_documents WHERE meeting_id = $1', [id]);
  const current = doc.rows[0];
  if (!current || Number(current.folded_seq) >= upTo) {
    await client.query('ROLLBACK');
    return current ? 'nothing-to-fold' : 'meeting-gone';
  }
  const rows = await client.query<{ data: Buffer }>('SELECT data FROM meetpad_updates WHERE meeting_id = $1 AND seq <= $2 ORDER BY seq', [id, upTo]);
  const folded = new Y.Doc();
  try {
    folded.transact(() => {
      Y.applyUpdate(folded, current.snapshot);
      for (const row of rows.rows) Y.applyUpdate(folded, row.data);
    });
    const snapshot = Y.encodeStateAsUpdate(folded);
    await client.query('UPDATE meetpad_documents SET snapshot = $2, folded_seq = $3 WHERE meeting_id = $1', [id, asBuffer(snapshot), upTo]);
    await client.query('DELETE FROM meetpad_updates WHERE meeting_id = $1 AND seq <= $2', [id, upTo]);
    await client.query('COMMIT');
  } finally {
    folded.destroy();
  }
  return 'folded';
};
