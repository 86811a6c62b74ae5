/** What the server stores about a meeting besides its document. */
export interface MeetingRecord {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  /** SHA-256 of the edit key, base64url. The key itself is never stored. */
  editKeyHash: string;
  /** SHA-256 of the view key, base64url. */
  viewKeyHash: string;
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
