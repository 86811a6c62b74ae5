/**
 * The reads of the PostgreSQL store. Each read of a document is one statement, so it sees one
 * snapshot of the database: a compaction committing meanwhile cannot hide the rows it folded.
 */
import type pg from 'pg';
import type { MeetingRecord, Tombstone } from '../meeting-record.js';
import type { MeetingPage, RecordWrite, StoredDocument } from '../meeting-store.js';
import { jsonText, parseJson } from './json-column.js';

/** A document as stored, with the sequence numbers around it. */
export interface StoredRows {
  stored: StoredDocument;
  /** Whether the meeting's document exists. */
  exists: boolean;
  /** Last sequence number allocated (-1 before the first append). */
  head: number;
  /** Sequence numbers of `stored.updates`, in order. */
  seqs: number[];
  /** Whether `stored.snapshot` is given (always by readDocumentRows, only when needed by readRowsAfter). */
  withSnapshot: boolean;
}

interface DocumentRow {
  kind: number;
  seq: string;
  data: Buffer | null;
  head: string | null;
}

// Row kind 0 is the document itself (its snapshot when asked for, and head), kind 1 the log.
const DOCUMENT_ROWS = `
SELECT 0 AS kind, folded_seq AS seq, CASE WHEN folded_seq > $2 THEN snapshot END AS data, head FROM meetpad_documents WHERE meeting_id = $1
UNION ALL
SELECT 1, seq, data, NULL FROM meetpad_updates WHERE meeting_id = $1 AND seq > $2
ORDER BY kind, seq`;

const toRows = (rows: DocumentRow[]): StoredRows => {
  const document = rows[0]?.kind === 0 ? rows[0] : undefined;
  const updates = rows.filter((row) => row.kind === 1);
  return {
    stored: { snapshot: document?.data ? new Uint8Array(document.data) : null, updates: updates.map((row) => new Uint8Array(row.data!)) },
    exists: document !== undefined,
    head: document ? Number(document.head) : -1,
    seqs: updates.map((row) => Number(row.seq)),
    withSnapshot: document?.data !== null && document?.data !== undefined,
  };
};

/** The whole stored document: snapshot and every row after it. */
export const readDocumentRows = async (pool: pg.Pool, id: string): Promise<StoredRows> => toRows((await pool.query<DocumentRow>(DOCUMENT_ROWS, [id, -2])).rows);

/**
 * What a holder of every entry up to `afterSeq` lacks: the rows after it, and the snapshot too
 * when a compaction already folded some of the rows it lacks.
 */
export const readRowsAfter = async (pool: pg.Pool, id: string, afterSeq: number): Promise<StoredRows> =>
  toRows((await pool.query<DocumentRow>(DOCUMENT_ROWS, [id, afterSeq])).rows);

/** The heads of the meetings that still exist among `ids`. */
export const readHeads = async (pool: pg.Pool, ids: readonly string[]): Promise<Map<string, number>> => {
  const { rows } = await pool.query<{ meeting_id: string; head: string }>('SELECT meeting_id, head FROM meetpad_documents WHERE meeting_id = ANY($1::text[])', [ids]);
  return new Map(rows.map((row) => [row.meeting_id, Number(row.head)]));
};

/** One meeting's record. */
export const readMeeting = async (pool: pg.Pool, id: string): Promise<MeetingRecord | undefined> => {
  const { rows } = await pool.query<{ json: string }>(`SELECT ${jsonText('record')} AS json FROM meetpad_meetings WHERE id = $1`, [id]);
  return parseJson<MeetingRecord>(rows[0]?.json);
};

/** One tombstone. */
export const readTombstone = async (pool: pg.Pool, id: string): Promise<Tombstone | undefined> => {
  const { rows } = await pool.query<{ json: string }>('SELECT tombstone::text AS json FROM meetpad_tombstones WHERE id = $1', [id]);
  return parseJson<Tombstone>(rows[0]?.json);
};

/** A page of the newest-first list; the cursor is the last list_key (createdAt!id, as LevelDB's). */
export const readMeetingPage = async (pool: pg.Pool, limit: number, cursor?: string): Promise<MeetingPage> => {
  const { rows } = await pool.query<{ list_key: string; json: string }>(
    `SELECT list_key, ${jsonText('record')} AS json FROM meetpad_meetings WHERE $2::text IS NULL OR list_key < $2 ORDER BY list_key DESC LIMIT $1`,
    [limit + 1, cursor ?? null],
  );
  const page = rows.slice(0, limit);
  return { meetings: page.map((row) => parseJson<MeetingRecord>(row.json)!), nextCursor: rows.length > limit ? (page.at(-1)?.list_key ?? null) : null };
};

// Long listings are read in pages, by key, so neither side holds everything at once.
const PAGE = 1000;

/** Every meeting id, in id order. */
export async function* readMeetingIds(pool: pg.Pool): AsyncGenerator<string> {
  for (let after = ''; ; ) {
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM meetpad_meetings WHERE id > $1 ORDER BY id LIMIT $2', [after, PAGE]);
    for (const row of rows) yield row.id;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}

/** Records of one collection whose key starts with `prefix`, in key order. */
export const readRecords = async <T>(pool: pg.Pool, collection: string, prefix: string): Promise<Array<{ key: string; value: T }>> => {
  const { rows } = await pool.query<{ key: string; json: string }>(
    `SELECT key, ${jsonText('value')} AS json FROM meetpad_records WHERE collection = $1 AND key >= $2 AND key < $3 ORDER BY key`,
    [collection, prefix, `${prefix}\uffff`],
  );
  return rows.map((row) => ({ key: row.key, value: parseJson<T>(row.json)! }));
};

/** One record. */
export const readRecord = async <T>(pool: pg.Pool, collection: string, key: string): Promise<T | undefined> => {
  const { rows } = await pool.query<{ json: string }>(`SELECT ${jsonText('value')} AS json FROM meetpad_records WHERE collection = $1 AND key = $2`, [collection, key]);
  return parseJson<T>(rows[0]?.json);
};

/** Every record, in collection then key order. */
export async function* readAllRecords(pool: pg.Pool): AsyncGenerator<RecordWrite> {
  for (let after: [string, string] = ['', '']; ; ) {
    const { rows } = await pool.query<{ collection: string; key: string; json: string }>(
      `SELECT collection, key, ${jsonText('value')} AS json FROM meetpad_records WHERE (collection, key) > ($1, $2) ORDER BY collection, key LIMIT $3`,
      [...after, PAGE],
    );
    for (const row of rows) yield { collection: row.collection, key: row.key, value: parseJson(row.json) };
    if (rows.length < PAGE) return;
    after = [rows.at(-1)!.collection, rows.at(-1)!.key];
  }
}
