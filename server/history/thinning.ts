/**
 * Thinning (README "History"): the newest revision and named revisions are never thinned.
 * Automatic revisions (restores included: they have no name) older than 24 hours are kept at most
 * one per clock hour (UTC; the latest of the hour), older than 30 days at most one per day (UTC;
 * the latest of the day). A thinned revision's piece is folded into the next revision that stays,
 * its authors added to that one's: every revision that stays replays exactly as before.
 */
import type { RecordWrite } from '../storage/meeting-store.js';
import { decodePiece, encodePiece, metaOf, REVISION_PIECES, revisionKey, REVISIONS, type RevisionMeta, type RevisionRecord, type StoredPiece } from './revision-records.js';
import { EMPTY_PIECE, mergePieces } from './revision-piece.js';
import { DAY_MS, HOUR_MS, THIN_DAILY_AFTER_MS, THIN_HOURLY_AFTER_MS } from './revision-timing.js';

/** What thinning needs of a revision. */
export type Thinnable = Pick<RevisionRecord, 'seq' | 'at' | 'kind'>;

/** The seqs of the revisions to thin at `now`, by the rule above (`revisions` in any order). */
export const revisionsToThin = (revisions: readonly Thinnable[], now: number): number[] => {
  if (revisions.length === 0) return [];
  const newest = Math.max(...revisions.map((r) => r.seq));
  // Per bucket, the latest unnamed revision (highest seq: seqs follow time) stays; the newest
  // revision counts in its bucket, so an older one of the same hour goes.
  const latest = new Map<string, number>();
  const bucketed: Array<[string, number]> = [];
  for (const revision of revisions) {
    // Restore revisions are automatic ones: only a name keeps a revision for good.
    if (revision.kind === 'named') continue;
    const age = now - revision.at;
    const bucket = age > THIN_DAILY_AFTER_MS ? `d${Math.floor(revision.at / DAY_MS)}` : age > THIN_HOURLY_AFTER_MS ? `h${Math.floor(revision.at / HOUR_MS)}` : null;
    if (bucket === null) continue;
    bucketed.push([bucket, revision.seq]);
    latest.set(bucket, Math.max(latest.get(bucket) ?? 0, revision.seq));
  }
  return bucketed
    .filter(([bucket, seq]) => seq !== newest && latest.get(bucket) !== seq)
    .map(([, seq]) => seq)
    .sort((a, b) => a - b);
};

/** A union of name lists, in order of first appearance. */
export const unionNames = (...lists: ReadonlyArray<readonly string[]>): string[] => [...new Set(lists.flat())];

/**
 * The records that change when `drop` are thinned from `records` (sorted by seq, the newest not
 * dropped): each dropped one is folded into the next one kept. Returns the rewritten kept records.
 */
export const foldThinned = (records: readonly RevisionRecord[], drop: ReadonlySet<number>): RevisionRecord[] => {
  const rewritten: RevisionRecord[] = [];
  let carried: RevisionRecord[] = [];
  for (const record of records) {
    if (drop.has(record.seq)) {
      carried.push(record);
      continue;
    }
    if (carried.length) {
      const all = [...carried, record];
      const piece = encodePiece(mergePieces(all.map((each) => decodePiece(each.piece))));
      rewritten.push({ ...record, piece, authors: unionNames(...all.map((each) => each.authors)) });
      carried = [];
    }
  }
  if (carried.length) throw new Error('the newest revision cannot be thinned');
  return rewritten;
};

/**
 * The writes that thin `all` (metas sorted by seq, ending with `record`, the revision being cut) at
 * `now`: reads the pieces of the thinned revisions and of those they fold into (only those), and
 * gives the writes of both collections and `record` as it is after folding.
 */
export const thinningWrites = async (
  meetingId: string,
  all: readonly RevisionMeta[],
  record: RevisionRecord,
  now: number,
  pieceOf: (key: string) => Promise<StoredPiece | undefined>,
): Promise<{ writes: RecordWrite[]; record: RevisionRecord; thinned: number[] }> => {
  const thinned = revisionsToThin(all, now);
  if (!thinned.length) return { writes: [], record, thinned };
  const drop = new Set(thinned);
  // The thinned ones and, after each run of them, the revision they fold into.
  const involved = all.filter((each, i) => drop.has(each.seq) || (i > 0 && drop.has(all[i - 1]!.seq)));
  const records = await Promise.all(
    involved.map(async (each): Promise<RevisionRecord> => (each.seq === record.seq ? record : { ...each, piece: (await pieceOf(revisionKey(meetingId, each.seq)))?.piece ?? encodePiece(EMPTY_PIECE) })),
  );
  const writes: RecordWrite[] = [];
  for (const seq of thinned) {
    const key = revisionKey(meetingId, seq);
    writes.push({ collection: REVISIONS, key, value: null }, { collection: REVISION_PIECES, key, value: null });
  }
  let folded = record;
  for (const each of foldThinned(records, drop)) {
    if (each.seq === record.seq) folded = each;
    else {
      const key = revisionKey(meetingId, each.seq);
      writes.push({ collection: REVISIONS, key, value: metaOf(each) }, { collection: REVISION_PIECES, key, value: { piece: each.piece } satisfies StoredPiece });
    }
  }
  return { writes, record: folded, thinned };
};
