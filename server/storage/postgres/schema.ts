/**
 * The PostgreSQL schema, as numbered migrations applied at start (server/storage/postgres/migrate.ts).
 * A migration is never edited once released: a change is a new one at the end.
 *
 *   meetpad_meetings    id -> the MeetingRecord; list_key = createdAt!id orders the newest-first list
 *   meetpad_documents   meeting_id -> folded snapshot, folded_seq (last sequence number folded in),
 *                       head (last sequence number allocated: the per-meeting sequence)
 *   meetpad_updates     (meeting_id, seq) -> one Yjs update (bytea)
 *   meetpad_tombstones  id -> what is left of a deleted meeting
 *   meetpad_records     (collection, key) -> a feature's record
 *   meetpad_system      name -> a value (the probe marker)
 *
 * Text keys use the "C" collation, so they order by bytes as LevelDB does (lists and cursors agree).
 * JSON goes into jsonb, or into the *_raw text column when jsonb cannot hold it (a NUL or a lone
 * surrogate escaped in a string, which JSON allows and jsonb refuses): see json-column.ts.
 */

/** One migration: its version and the statements that bring the schema from version - 1 to it. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'meetings, documents with their update log, tombstones, record collections',
    sql: `
CREATE TABLE meetpad_meetings (
  id text COLLATE "C" PRIMARY KEY,
  list_key text COLLATE "C" NOT NULL UNIQUE,
  record jsonb,
  record_raw text,
  CHECK ((record IS NULL) <> (record_raw IS NULL))
);
CREATE TABLE meetpad_documents (
  meeting_id text COLLATE "C" PRIMARY KEY,
  snapshot bytea NOT NULL,
  folded_seq bigint NOT NULL DEFAULT -1,
  head bigint NOT NULL DEFAULT -1
);
CREATE TABLE meetpad_updates (
  meeting_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (meeting_id, seq)
);
CREATE TABLE meetpad_tombstones (
  id text COLLATE "C" PRIMARY KEY,
  tombstone jsonb NOT NULL
);
CREATE TABLE meetpad_records (
  collection text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  value jsonb,
  value_raw text,
  PRIMARY KEY (collection, key),
  CHECK ((value IS NULL) <> (value_raw IS NULL))
);
CREATE INDEX meetpad_records_by_key ON meetpad_records (key);
CREATE TABLE meetpad_system (
  name text PRIMARY KEY,
  value jsonb NOT NULL
);

-- Appends updates (ids[i] gets datas[i]) and returns each one's sequence number, in input order;
-- null for a meeting that no longer exists. The documents' rows are locked in id order first, so
-- two instances appending to the same meetings in one batch each never deadlock; the row lock
-- also makes each meeting's sequence gap-free (a rolled-back append gives its numbers back).
CREATE FUNCTION meetpad_append(ids text[], datas bytea[]) RETURNS TABLE (o_ord bigint, o_seq bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM 1 FROM meetpad_documents WHERE meeting_id = ANY(ids) ORDER BY meeting_id FOR UPDATE;
  RETURN QUERY
  WITH input AS (
    SELECT t.ord, t.id, t.data, row_number() OVER (PARTITION BY t.id ORDER BY t.ord) AS k
    FROM unnest(ids, datas) WITH ORDINALITY AS t(id, data, ord)
  ), counts AS (
    SELECT input.id, count(*) AS n FROM input GROUP BY input.id
  ), bumped AS (
    UPDATE meetpad_documents d SET head = d.head + c.n FROM counts c
    WHERE d.meeting_id = c.id RETURNING d.meeting_id, d.head - c.n AS base
  ), inserted AS (
    INSERT INTO meetpad_updates (meeting_id, seq, data)
    SELECT input.id, bumped.base + input.k, input.data FROM input JOIN bumped ON bumped.meeting_id = input.id
  )
  -- (a data-modifying WITH runs to completion whether or not the query reads it)
  SELECT input.ord, bumped.base + input.k FROM input LEFT JOIN bumped ON bumped.meeting_id = input.id
  ORDER BY input.ord;
END
$fn$;
`,
  },
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
