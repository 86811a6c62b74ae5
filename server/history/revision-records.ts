/**
 * What history stores: per revision a small record (what lists show) and, apart from it under the
 * same key, its piece (what changed since the revision before, as one Yjs update), so listing never
 * reads pieces; and one head per meeting (the snapshot the next piece is cut against). Keys start
 * with the meeting id, so deleting, backing up and restoring a meeting take them along.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as Y from 'yjs';
import type { RevisionKind } from '../../shared/api-types.js';

export type { RevisionKind } from '../../shared/api-types.js';

/** Collection of revision records (no piece), key `${meetingId}!${seq padded to 10 digits}`. */
export const REVISIONS = 'revisions';
/** Collection of revision pieces (`StoredPiece`), same keys as REVISIONS, written in the same batch. */
export const REVISION_PIECES = 'revision-pieces';
/** Collection of revision heads, key `${meetingId}`. */
export const REVISION_HEADS = 'revision-heads';

/** A revision as listed and stored in REVISIONS. */
export interface RevisionMeta {
  seq: number;
  /** Milliseconds since the epoch, server clock. */
  at: number;
  name: string | null;
  kind: RevisionKind;
  restoredFrom: number | null;
  authors: string[];
}

/** A revision with its piece (what the replays and thinning work with). */
export interface RevisionRecord extends RevisionMeta {
  /** base64 of deflateRaw(Yjs V1 update): the change from the previous revision to this one. */
  piece: string;
}

/** A piece as stored in REVISION_PIECES. */
export interface StoredPiece {
  piece: string;
}

/** A meeting's history head: the last revision's number and the document's Yjs snapshot then. */
export interface RevisionHead {
  lastSeq: number;
  /** base64 of Y.encodeSnapshot. */
  snapshot: string;
}

/** The key of revision `seq` of a meeting (zero-padded so key order is number order). */
export const revisionKey = (meetingId: string, seq: number): string => `${meetingId}!${String(seq).padStart(10, '0')}`;

/** The key prefix of a meeting's revisions. */
export const revisionPrefix = (meetingId: string): string => `${meetingId}!`;

/** The record of a revision (its meta part, a copy). */
export const metaOf = ({ piece: _piece, ...meta }: RevisionRecord): RevisionMeta => ({ ...meta, authors: [...meta.authors] });

/** Stored form of a piece: deflated (pieces are mostly text and ids), then base64 for JSON. */
export const encodePiece = (update: Uint8Array): string => deflateRawSync(update).toString('base64');

/** The Yjs update of a stored piece. */
export const decodePiece = (piece: string): Uint8Array => new Uint8Array(inflateRawSync(Buffer.from(piece, 'base64')));

/** Stored form of a head snapshot. */
export const encodeHeadSnapshot = (snapshot: Y.Snapshot): string => Buffer.from(Y.encodeSnapshot(snapshot)).toString('base64');

/** The snapshot of a stored head (the empty snapshot when there is no head yet). */
export const headSnapshotOf = (head: RevisionHead | undefined): Y.Snapshot =>
  head ? Y.decodeSnapshot(new Uint8Array(Buffer.from(head.snapshot, 'base64'))) : Y.emptySnapshot;
