/**
 * Who may open a meeting: the one check behind every route and the WebSocket endpoint. The id is
 * checked before any storage access; a deleted meeting is reported as deleted only to holders of
 * one of its keys or of its series' keys, also once the series is deleted (to everyone else it is
 * unknown). The keys of a meeting's series open it too.
 */
import { Errors } from '../errors.js';
import { MEETING_ID_PATTERN, roleForKey, type Role } from '../security/keys.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { SERIES_COLLECTIONS, memberKey, type SeriesLink, type SeriesRecord, type SeriesTombstone } from '../series/series-record.js';

/** A meeting opened with a key. */
export interface MeetingAccess {
  record: MeetingRecord;
  role: Role;
}

/** Throws BadMeetingId unless `id` is a well-formed meeting id. */
export const checkMeetingId = (id: string): void => {
  if (!MEETING_ID_PATTERN.test(id)) throw new Errors.BadMeetingId();
};

/**
 * The meeting and the role `key` grants; throws a coded error: 400 bad id, 401 no or wrong key,
 * 404 unknown, 410 deleted.
 */
export const openMeeting = async (store: MeetingStore, id: string, key: string | undefined): Promise<MeetingAccess> => {
  checkMeetingId(id);
  if (!key) throw new Errors.KeyRequired();
  const record = await store.getMeeting(id);
  if (!record) {
    const tombstone = await store.getTombstone(id);
    const told = tombstone !== undefined && (roleForKey(tombstone, key) !== null || (await heldSeriesKey(store, id, key)));
    throw told ? new Errors.MeetingDeleted() : new Errors.MeetingNotFound();
  }
  const role = roleForKey(record, key) ?? (await seriesRoleFor(store, id, key));
  if (!role) throw new Errors.WrongKey();
  return { record, role };
};

/**
 * The role `key` grants as a key of the series meeting `id` belongs to (GUIDE 1.7: series keys open
 * every meeting of their series; a meeting's own keys never open its series), or null.
 */
const seriesRoleFor = async (store: MeetingStore, id: string, key: string): Promise<Role | null> => {
  const link = await store.collection<SeriesLink>(SERIES_COLLECTIONS.links).get(id);
  if (!link) return null;
  const series = await store.collection<SeriesRecord>(SERIES_COLLECTIONS.series).get(link.seriesId);
  // The link and the series' list are written together; both must agree before a key opens anything.
  if (!series?.meetings.some((meeting) => meeting.id === id)) return null;
  return roleForKey(series, key);
};

/** Whether `key` is a key of the series deleted meeting `id` was in (that series may be deleted too). */
const heldSeriesKey = async (store: MeetingStore, id: string, key: string): Promise<boolean> => {
  const member = await store.collection<SeriesLink>(SERIES_COLLECTIONS.members).get(memberKey(id));
  if (!member) return false;
  const series = await store.collection<SeriesRecord>(SERIES_COLLECTIONS.series).get(member.seriesId);
  const hashes = series ?? (await store.collection<SeriesTombstone>(SERIES_COLLECTIONS.tombstones).get(member.seriesId));
  return hashes !== undefined && roleForKey(hashes, key) !== null;
};
