/** What an error answer of `GET /api/meetings/:id` means for the page and its offline copy. */

/**
 * - `deleted`: the server's own coded answer that the meeting was deleted; the only answer that lets
 *   the page discard its offline copy.
 * - `unknown`: not found (the server's 404, a proxy's 404, a server on an empty data directory):
 *   the offline copy may be the last one, so it is kept.
 * - `key`: the key is wrong or not allowed; `link`: not a meeting link; `transient`: try again.
 */
export type AccessRefusal = 'deleted' | 'unknown' | 'key' | 'link' | 'transient';

/** The server's error code for a deleted meeting (HTTP 410). */
export const MEETING_DELETED = 'meeting_deleted';

/** Classifies an error answer by its status and its JSON `error` code. */
export const accessRefusal = (status: number, code: string): AccessRefusal => {
  if (code === MEETING_DELETED) return 'deleted';
  if (status === 404 || status === 410) return 'unknown';
  if (status === 401 || status === 403) return 'key';
  if (status === 400) return 'link';
  return 'transient';
};
