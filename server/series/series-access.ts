/**
 * Who may open a series: only its own keys (a meeting's keys never open its series). The id is
 * checked before any storage access; a deleted series is reported as deleted only to holders of
 * one of its keys (to everyone else it is unknown), as for meetings.
 */
import { Errors } from '../errors.js';
import { MEETING_ID_PATTERN, roleForKey, type Role } from '../security/keys.js';
import type { RecordCollection } from '../storage/meeting-store.js';
import type { SeriesRecord, SeriesTombstone } from './series-record.js';

/** A series opened with a key. */
export interface SeriesAccess {
  series: SeriesRecord;
  role: Role;
}

/** Throws BadSeriesId unless `id` is well formed (series ids look like meeting ids). */
export const checkSeriesId = (id: string): void => {
  if (!MEETING_ID_PATTERN.test(id)) throw new Errors.BadSeriesId();
};

/** The series and the role `key` grants; throws 400 bad id, 401 no or wrong key, 404 unknown, 410 deleted. */
export const openSeries = async (
  collections: { series: RecordCollection<SeriesRecord>; tombstones: RecordCollection<SeriesTombstone> },
  id: string,
  key: string | undefined,
): Promise<SeriesAccess> => {
  checkSeriesId(id);
  if (!key) throw new Errors.KeyRequired();
  const series = await collections.series.get(id);
  if (!series) {
    const tombstone = await collections.tombstones.get(id);
    throw tombstone && roleForKey(tombstone, key) ? new Errors.SeriesDeleted() : new Errors.SeriesNotFound();
  }
  const role = roleForKey(series, key);
  if (!role) throw new Errors.WrongSeriesKey();
  return { series, role };
};
