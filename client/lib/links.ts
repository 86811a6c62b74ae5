/** Meeting links: `/m/ID#key=KEY` (the key stays in the fragment, never sent to the server). */

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** A meeting and the key to open it with. */
export interface MeetingRef {
  id: string;
  key: string;
}

/** The path and fragment of a meeting link. */
export const meetingPath = (id: string, key: string): string => `/m/${encodeURIComponent(id)}#key=${encodeURIComponent(key)}`;

/** The full URL of a meeting link on this server. */
export const meetingUrl = (id: string, key: string): string => new URL(meetingPath(id, key), location.origin).href;

/** The meeting id of a path like `/m/ID`, or null. */
export const meetingIdFromPath = (pathname: string): string | null => {
  const match = /^\/m\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  try {
    const id = decodeURIComponent(match[1]);
    return ID_PATTERN.test(id) ? id : null;
  } catch {
    return null; // a malformed escape ("/m/%E0") is no meeting
  }
};

/** The key in a fragment like `#key=...`, or null. */
export const keyFromHash = (hash: string): string | null => new URLSearchParams(hash.replace(/^#/, '')).get('key');

/** Parses a pasted meeting link (full URL or path); null if it is not one. */
export const parseMeetingLink = (text: string): MeetingRef | null => {
  try {
    const url = new URL(text.trim(), location.origin);
    const id = meetingIdFromPath(url.pathname);
    const key = keyFromHash(url.hash) ?? url.searchParams.get('key');
    return id && key ? { id, key } : null;
  } catch {
    return null;
  }
};
