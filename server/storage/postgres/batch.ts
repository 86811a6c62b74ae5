/**
 * One group-commit batch as one PostgreSQL transaction. The operations run in submission order;
 * consecutive appends become one call of meetpad_append (which allocates their sequence numbers in
 * the same transaction). A batch of appends only is one statement, so one round trip. A deadlock
 * or serialization failure (another instance locking the same rows in another order) rolls the
 * whole transaction back, and it is run again from the start.
 */
import type pg from 'pg';
import { withClient } from './connection.js';

/** An append: its sequence number is set once the batch committed (null: the meeting is gone). */
export interface AppendOp {
  kind: 'append';
  meetingId: string;
  data: Uint8Array;
  seq?: number | null;
}

/** A statement. */
export interface SqlOp {
  kind: 'sql';
  text: string;
  values: unknown[];
}

/** One operation of a batch. */
export type PgOp = AppendOp | SqlOp;

const RETRIABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/** A view as a Buffer without copying (pg sends Buffers as bytea). */
export const asBuffer = (view: Uint8Array): Buffer => (Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength));

const appendGroup = async (client: pg.PoolClient, ops: AppendOp[]): Promise<void> => {
  const { rows } = await client.query<{ o_ord: string; o_seq: string | null }>('SELECT o_ord, o_seq FROM meetpad_append($1::text[], $2::bytea[])', [
    ops.map((op) => op.meetingId),
    ops.map((op) => asBuffer(op.data)),
  ]);
  for (const row of rows) ops[Number(row.o_ord) - 1]!.seq = row.o_seq === null ? null : Number(row.o_seq);
};

const runOnce = async (client: pg.PoolClient, ops: readonly PgOp[]): Promise<void> => {
  if (ops.every((op) => op.kind === 'append')) return appendGroup(client, ops as AppendOp[]);
  await client.query('BEGIN');
  try {
    for (let i = 0; i < ops.length; ) {
      const op = ops[i]!;
      if (op.kind === 'sql') {
        await client.query(op.text, op.values);
        i++;
        continue;
      }
      const group: AppendOp[] = [];
      while (i < ops.length && ops[i]!.kind === 'append') group.push(ops[i++] as AppendOp);
      await appendGroup(client, group);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
};

/** Commits `ops` as one transaction on a connection of `pool` (retried on deadlock). */
export const commitBatch = async (pool: pg.Pool, ops: readonly PgOp[]): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      // A connection that failed mid-transaction is not reused (withClient discards it).
      return await withClient(pool, (client) => runOnce(client, ops));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || !RETRIABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
};
