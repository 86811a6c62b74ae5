/**
 * The JSON schemas of the history routes (GUIDE 1.9): revisions, the changes between two of them,
 * naming and restoring, with examples, for validation, serialization and /api/openapi.json alike.
 */
import type { ChangeSpan, Revision, RevisionKind } from '../../shared/api-types.js';
import { isoTime, MEETING_ID } from '../http/api-schemas.js';
import type { RevisionMeta } from './revision-records.js';

export type { RevisionMeta } from './revision-records.js';

/** What the routes and restore need of the history (server/history/history.ts `History`). */
export interface HistoryReader {
  list(meetingId: string): Promise<RevisionMeta[]>;
  get(meetingId: string, seq: number): Promise<RevisionMeta | undefined>;
  exportOf(meetingId: string, seq: number): Promise<string | undefined>;
  changes(meetingId: string, from: number, to: number): Promise<{ agenda: ChangeSpan[]; notes: ChangeSpan[] } | undefined>;
  cut(meetingId: string, options: { kind: RevisionKind; name?: string; restoredFrom?: number }): Promise<RevisionMeta>;
  /** A cut under a lease on the room (refused for a meeting being deleted). */
  cutLeased(meetingId: string, options: { kind: RevisionKind; name?: string }): Promise<RevisionMeta>;
}

/** The API's JSON of a revision. */
export const toRevision = (meta: RevisionMeta): Revision => ({
  id: meta.seq,
  at: new Date(meta.at).toISOString(),
  name: meta.name,
  auto: meta.kind === 'auto',
  authors: meta.authors,
  kind: meta.kind,
  restoredFrom: meta.restoredFrom,
});

/** Longest revision name (after trimming). */
export const MAX_REVISION_NAME = 100;

/** What a revision id looks like in a path or a query (anything else is 400 bad_revision). */
export const REVISION_ID_PATTERN = '^[0-9]{1,10}$';

const revisionId = {
  type: 'string',
  pattern: REVISION_ID_PATTERN,
  description: 'A revision id (`id` of a revision): 1 to 10 digits.',
  examples: ['12'],
} as const;

/** One revision. */
export const revision = {
  type: 'object',
  required: ['id', 'at', 'name', 'auto', 'authors', 'kind', 'restoredFrom'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1, description: 'Grows by one with each revision kept; thinned revisions (automatic and restore ones) leave gaps.' },
    at: { ...isoTime, description: 'When the revision was kept (server clock).' },
    name: { type: ['string', 'null'], description: 'Null unless the revision was named.', examples: ['Before review'] },
    auto: { type: 'boolean', description: 'Kept automatically (`kind` is `auto`). Named revisions are never thinned; automatic and restore revisions (they have no name) may be as they age, except the newest revision.' },
    authors: { type: 'array', items: { type: 'string' }, description: 'Display names of who edited since the previous revision.', examples: [['Anna', 'Ben']] },
    kind: { type: 'string', enum: ['auto', 'named', 'restore'], description: '`restore`: the revision a restore ends with.' },
    restoredFrom: { type: ['integer', 'null'], description: 'For a restore: the revision whose text came back; else null.' },
  },
  examples: [{ id: 7, at: '2026-01-05T09:42:00.000Z', name: 'Before review', auto: false, authors: ['Anna', 'Ben'], kind: 'named', restoredFrom: null }],
} as const;

/** `:id` and `:rev`. */
export const revisionParams = {
  type: 'object',
  required: ['id', 'rev'],
  properties: {
    id: { type: 'string', description: 'The meeting id: 8 to 64 characters of A-Z a-z 0-9 _ -.', examples: [MEETING_ID] },
    rev: revisionId,
  },
} as const;

/** `?from=REV&to=REV` (and the optional `?key=`). */
export const changesQuery = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    from: { ...revisionId, description: 'The older side (spans only in it are `delete`); may be newer than `to`.' },
    to: { ...revisionId, description: 'The newer side (spans only in it are `insert`).' },
    key: { type: 'string', description: 'The key, for links and clients that cannot set a header (a Bearer header wins).' },
  },
} as const;

/** `GET …/revisions` → 200. */
export const revisionList = {
  type: 'object',
  description: 'Every revision kept, newest first.',
  required: ['revisions'],
  additionalProperties: false,
  properties: { revisions: { type: 'array', items: revision } },
} as const;

/** `POST …/revisions` → 201 and `POST …/revisions/:rev/restore` → 200. */
export const revisionAnswer = {
  type: 'object',
  required: ['revision'],
  additionalProperties: false,
  properties: { revision },
} as const;

/** `POST …/revisions` body. */
export const nameBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 400, description: `One line; trimmed, then 1 to ${MAX_REVISION_NAME} characters.`, examples: ['Before review'] },
  },
  examples: [{ name: 'Before review' }],
} as const;

const span = {
  type: 'object',
  required: ['op', 'text', 'author'],
  additionalProperties: false,
  properties: {
    op: { type: 'string', enum: ['equal', 'insert', 'delete'], description: '`equal`: in both; `insert`: only in `to`; `delete`: only in `from`. Where a run of deletions and insertions starts or ends with the same text on both sides (a restore brings text back, letters retyped), that text is `equal`.' },
    text: { type: 'string' },
    author: { type: ['string', 'null'], description: 'Who wrote the text (the display name of the connection that sent it), or null; for `equal` text each side wrote anew, who wrote it in `to`.' },
  },
} as const;

/** `GET …/changes` → 200. */
export const changesBody = {
  type: 'object',
  description: 'Per section, the text of both revisions as spans in document order: adjacent spans with the same op and author are merged.',
  required: ['from', 'to', 'agenda', 'notes'],
  additionalProperties: false,
  properties: {
    from: { type: 'integer' },
    to: { type: 'integer' },
    agenda: { type: 'array', items: span },
    notes: { type: 'array', items: span },
  },
  examples: [
    {
      from: 3,
      to: 7,
      agenda: [{ op: 'equal', text: '# Weekly sync\n', author: null }],
      notes: [
        { op: 'equal', text: '# Notes\n\n- Ship on ', author: 'Anna' },
        { op: 'delete', text: 'Fri', author: 'Anna' },
        { op: 'insert', text: 'Mon', author: 'Ben' },
        { op: 'equal', text: 'day', author: 'Ben' },
        { op: 'equal', text: '\n', author: 'Anna' },
      ],
    },
  ],
} as const;
