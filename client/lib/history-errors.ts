/** The errors of the history API in words, and how to tell an aborted request from a failed one. */
import { ApiError } from './api.js';

/** An error of the history API, in words. */
export const historyErrorText = (error: unknown, doing: string): string => {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Cannot ${doing}: this link can only view the history. Naming and restoring need the edit link.`;
    if (error.status === 404 && error.code === 'revision_not_found') return `Cannot ${doing}: that revision no longer exists (old automatic revisions are thinned).`;
    if (error.status === 404) return `Cannot ${doing}: the server does not know this meeting.`;
    if (error.status === 410) return `Cannot ${doing}: this meeting was deleted.`;
    if (error.status === 401) return `Cannot ${doing}: the key in this link is not valid.`;
    if (error.status === 503) return `Cannot ${doing} right now: the server cannot reach its storage. Try again in a moment.`;
    return `Cannot ${doing}: ${error.message}`;
  }
  return `Cannot ${doing}: the server cannot be reached. Check your connection.`;
};

/** True for the rejection of an aborted request. */
export const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';
