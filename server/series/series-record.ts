/**
 * What the server stores about a series (GUIDE 1.7), in three record collections:
 *
 *   series             SERIES_ID     -> SeriesRecord (title, cadence, template, key hashes, meetings in order)
 *   series-links       MEETING_ID    -> SeriesLink   (the reverse index: which series a meeting is in)
 *   series-members     m:MEETING_ID  -> SeriesLink   (the same, kept after the meeting is deleted)
 *   series-tombstones  SERIES_ID     -> SeriesTombstone
 *
 * A link is keyed by the meeting id, so deleting the meeting deletes its link in the same batch
 * (the store's rule for records that belong to one meeting). A membership is written with the link
 * but keyed so that it outlives the meeting (and the series): the series' keys are then told
 * "deleted" (410) for it, as the meeting's own keys are. A series' own keys are hashed like a
 * meeting's and never stored in clear.
 */
import type { Cadence } from '../../shared/api-types.js';
import type { KeyHashes } from '../storage/meeting-record.js';

export type { Cadence };

/** Collection names (part of stored keys: never rename). */
export const SERIES_COLLECTIONS = {
  series: 'series',
  links: 'series-links',
  tombstones: 'series-tombstones',
  members: 'series-members',
} as const;

/** The key of a meeting's membership record (never the meeting id or `id!…`: it must survive the meeting). */
export const memberKey = (meetingId: string): string => `m:${meetingId}`;

/** Every cadence a series can have. */
export const CADENCES: readonly Cadence[] = ['weekly', 'biweekly', 'monthly', 'none'];

/** One meeting of a series, in the order they were started. */
export interface SeriesMeetingRef {
  id: string;
  /** The meeting's planned date, `YYYY-MM-DD`. */
  date: string;
}

/** A series as stored. */
export interface SeriesRecord extends KeyHashes {
  id: string;
  title: string;
  cadence: Cadence;
  /** Markdown page (split at the Notes heading) with `{{title}}` and `{{date}}` placeholders. */
  template: string;
  /** The first meeting's planned date, `YYYY-MM-DD`; null: the day it is started. */
  firstDate: string | null;
  createdAt: string;
  /** Oldest first. A meeting deleted on its own stays listed here and is skipped when read. */
  meetings: SeriesMeetingRef[];
}

/** The reverse index entry of a meeting in a series. */
export interface SeriesLink {
  seriesId: string;
}

/** What is left of a deleted series: enough to tell its key holders "deleted". */
export interface SeriesTombstone extends KeyHashes {
  id: string;
  deletedAt: string;
}
