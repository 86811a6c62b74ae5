/** What the server stores about a meeting besides its document. */

/** The stored forms of a meeting's two keys (SHA-256, base64url); the keys themselves are never stored. */
export interface KeyHashes {
  editKeyHash: string;
  viewKeyHash: string;
}

/** A meeting's record. */
export interface MeetingRecord extends KeyHashes {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * What remains of a deleted meeting: enough to tell its key holders "deleted" (so an offline copy
 * may be discarded) rather than "unknown" (which a proxy or an empty data directory also answers).
 */
export interface Tombstone extends KeyHashes {
  id: string;
  deletedAt: string;
}

/** The public view of a meeting record (no key hashes). */
export interface MeetingSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** Strips the key hashes from a record. */
export const summarize = ({ id, title, createdAt, updatedAt }: MeetingRecord): MeetingSummary => ({
  id,
  title,
  createdAt,
  updatedAt,
});

/** The tombstone a deletion leaves. */
export const tombstoneOf = ({ id, editKeyHash, viewKeyHash }: MeetingRecord, deletedAt: string): Tombstone => ({
  id,
  editKeyHash,
  viewKeyHash,
  deletedAt,
});
