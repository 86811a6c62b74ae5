/**
 * Meeting ids and access keys. Keys are 256 random bits (base64url), stored only as SHA-256 hashes
 * (they are high-entropy, so a slow hash adds nothing) and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/api-types.js';
import type { KeyHashes } from '../storage/meeting-record.js';

/** Valid meeting ids: 8 to 64 URL-safe characters. */
export const MEETING_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export type { Role };

/** A new random meeting id (128 bits, 22 characters). */
export const newMeetingId = (): string => randomBytes(16).toString('base64url');

/** A new random access key (256 bits, 43 characters). */
export const newKey = (): string => randomBytes(32).toString('base64url');

/** The stored form of a key. */
export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('base64url');

const sameHash = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The role a key grants for a meeting (or what is left of it), or null. Both hashes are always compared. */
export const roleForKey = (record: KeyHashes, key: string | undefined): Role | null => {
  if (!key) return null;
  const hash = hashKey(key);
  const edit = sameHash(hash, record.editKeyHash);
  const view = sameHash(hash, record.viewKeyHash);
  return edit ? 'edit' : view ? 'view' : null;
};

/** Constant-time comparison of a presented token with a configured one. */
export const tokenMatches = (presented: string | undefined, expected: string): boolean =>
  expected !== '' && presented !== undefined && sameHash(hashKey(presented), hashKey(expected));

/** The key of a request: `Authorization: Bearer KEY`, else `?key=KEY`. */
export const keyFromRequest = (authorization: string | undefined, url: string): string | undefined => {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1];
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('key') ?? undefined;
};

/**
 * A URL safe to log: every query parameter whose decoded name is `key` or `token` is redacted
 * (decoded, because `?%6Bey=` is read as `key` too).
 */
export const redactUrl = (url: string): string => {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const pairs = [...new URLSearchParams(url.slice(query + 1))].map(([name, value]) =>
    `${encodeURIComponent(name)}=${/^(?:key|token)$/i.test(name) ? '[redacted]' : encodeURIComponent(value)}`,
  );
  return `${url.slice(0, query)}?${pairs.join('&')}`;
};
