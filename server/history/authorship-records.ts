/**
 * How authorship is stored: collection `authorship`, one record per name per log entry (written in
 * the entry's batch), key `${meetingId}!${time}!${instance}!${counter}` so keys are unique across
 * instances and ordered by when they were written (the earlier record wins an overlap), value
 * `{ n: name, r: [client, clock, len, ...] }`. Folding rewrites many records as a few, keyed just
 * after the last record it folded (`${thatKey}~${i}`), so they keep their place in that order.
 */
import { AuthorMap } from '../../shared/author-map.js';

/** The collection of authorship records. */
export const AUTHORSHIP_COLLECTION = 'authorship';

/** One stored record: the ranges (flat triples client, clock, len) one name sent. */
export interface AuthorshipRecord {
  n: string | null;
  r: number[];
}

// Widths keep keys of one format the same length, so string order is time order.
const TIME_WIDTH = 15;
const COUNTER_WIDTH = 9;
const FOLD_WIDTH = 5;
// Triples per folded record: a long meeting's record stays a few tens of kB.
const FOLDED_TRIPLES = 4096;

/** The key prefix of a meeting's records. */
export const authorshipPrefix = (meetingId: string): string => `${meetingId}!`;

/** A new record's key: time (ms), an id of the writing instance, and a counter of that instance. */
export const authorshipKey = (meetingId: string, at: number, instance: string, counter: number): string =>
  `${meetingId}!${String(at).padStart(TIME_WIDTH, '0')}!${instance}!${String(counter).padStart(COUNTER_WIDTH, '0')}`;

/** Adds a stored record to `map` (what the map knows already wins); a malformed one adds nothing. */
export const addRecord = (map: AuthorMap, value: unknown): void => {
  const { n, r } = (value ?? {}) as Partial<AuthorshipRecord>;
  if ((n !== null && typeof n !== 'string') || !Array.isArray(r)) return;
  for (let i = 0; i + 2 < r.length; i += 3) map.add(r[i]!, r[i + 1]!, r[i + 2]!, n);
};

/** The map of stored records, in key order. */
export const mapOfRecords = (records: ReadonlyArray<{ value: unknown }>): AuthorMap => {
  const map = new AuthorMap();
  for (const { value } of records) addRecord(map, value);
  return map;
};

/**
 * The records that replace `folded` (in key order, at least one): `map`'s runs grouped by name,
 * keyed right after the last folded key. Folding a folded record again reuses its base key.
 */
export const foldedRecords = (map: AuthorMap, folded: ReadonlyArray<{ key: string }>): Array<{ key: string; value: AuthorshipRecord }> => {
  const base = folded[folded.length - 1]!.key.split('~')[0]!;
  const byName = new Map<string | null, number[]>();
  map.forEach((client, clock, len, author) => {
    let triples = byName.get(author);
    if (!triples) byName.set(author, (triples = []));
    triples.push(client, clock, len);
  });
  const out: Array<{ key: string; value: AuthorshipRecord }> = [];
  for (const [n, triples] of byName) {
    for (let i = 0; i < triples.length; i += FOLDED_TRIPLES * 3) {
      out.push({ key: `${base}~${String(out.length).padStart(FOLD_WIDTH, '0')}`, value: { n, r: triples.slice(i, i + FOLDED_TRIPLES * 3) } });
    }
  }
  return out;
};
