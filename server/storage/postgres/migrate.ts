/**
 * Applies the schema's migrations at start, once per database however many instances start at
 * the same moment: under a session advisory lock, each missing version in its own transaction.
 * A database whose schema is newer than this code refuses to open (an older instance must not
 * write a layout it does not know).
 */
import type pg from 'pg';
import { StoreOpenError } from '../meeting-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

// pg_advisory_lock key of schema migrations (any fixed number; "meetpad" in ASCII, cut to int8).
const MIGRATION_LOCK = 0x6d656574706164;

/** Brings the schema up to SCHEMA_VERSION; returns the versions it applied. */
export const migrate = async (client: pg.PoolClient): Promise<number[]> => {
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS meetpad_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM meetpad_schema');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StoreOpenError(`The PostgreSQL database has meetpad schema version ${current}, written by a newer meetpad; this version understands up to ${SCHEMA_VERSION}. Upgrade meetpad.`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO meetpad_schema (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      applied.push(migration.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
  }
  return applied;
};
