/** Series links: `/s/ID#key=KEY` (the key in the fragment, as for meetings) and the calendar feed. */
import { meetingIdFromPath } from './links.js';

/** The path and fragment of a series page. */
export const seriesPath = (id: string, key: string): string => `/s/${encodeURIComponent(id)}#key=${encodeURIComponent(key)}`;

/** The full URL of a series page on this server. */
export const seriesUrl = (id: string, key: string): string => new URL(seriesPath(id, key), location.origin).href;

/** The series id of a path like `/s/ID`, or null (ids are shaped like meeting ids). */
export const seriesIdFromPath = (pathname: string): string | null => {
  const match = /^\/s\/([^/]+)\/?$/.exec(pathname);
  return match ? meetingIdFromPath(`/m/${match[1]}`) : null;
};

/**
 * The calendar feed a calendar app subscribes to. Calendar apps cannot send headers, so the key
 * goes in the query (`?key=` works on this route); give them a view key.
 */
export const calendarUrl = (id: string, key: string): string =>
  new URL(`/api/series/${encodeURIComponent(id)}/calendar.ics?key=${encodeURIComponent(key)}`, location.origin).href;

/** The same feed as a `webcal:` link, which opens the subscription dialog of calendar apps. */
export const webcalUrl = (httpUrl: string): string => httpUrl.replace(/^https?:/, 'webcal:');
