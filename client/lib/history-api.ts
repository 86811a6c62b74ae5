/**
 * Calls to the history API (GUIDE 1.9) and the authorship route; every read is abortable.
 * Errors are ApiError, TypeError when offline, DOMException "AbortError" when aborted.
 */
import type { ChangeSpan, MeetingChanges, Revision } from '../../shared/api-types.js';
import type { AuthorMapData } from '../../shared/author-map.js';
import { auth, fail } from './api.js';

export type { AuthorMapData, ChangeSpan, MeetingChanges, Revision };

/** One meeting opened with one key. */
export interface HistoryScope {
  meetingId: string;
  key: string;
}

const base = (scope: HistoryScope): string => `/api/meetings/${encodeURIComponent(scope.meetingId)}`;

const get = (scope: HistoryScope, path: string, signal?: AbortSignal): Promise<Response> =>
  fetch(`${base(scope)}${path}`, { headers: auth(scope.key), cache: 'no-store', signal });

/** The meeting's revisions, newest first. */
export const listRevisions = async (scope: HistoryScope, signal?: AbortSignal): Promise<Revision[]> => {
  const response = await get(scope, '/revisions', signal);
  return response.ok ? ((await response.json()) as { revisions: Revision[] }).revisions : fail(response);
};

/** The Markdown export of the meeting as it was at revision `rev`. */
export const revisionExport = async (scope: HistoryScope, rev: number, signal?: AbortSignal): Promise<string> => {
  const response = await get(scope, `/revisions/${rev}/export.md`, signal);
  return response.ok ? response.text() : fail(response);
};

/** What changed from revision `from` to revision `to`, per section. */
export const revisionChanges = async (scope: HistoryScope, from: number, to: number, signal?: AbortSignal): Promise<MeetingChanges> => {
  const response = await get(scope, `/changes?from=${from}&to=${to}`, signal);
  return response.ok ? ((await response.json()) as MeetingChanges) : fail(response);
};

/** Who wrote which Yjs item ids of the live document. */
export const authorship = async (scope: HistoryScope, signal?: AbortSignal): Promise<AuthorMapData> => {
  const response = await get(scope, '/authorship', signal);
  return response.ok ? ((await response.json()) as AuthorMapData) : fail(response);
};

const post = async (scope: HistoryScope, path: string, body?: unknown): Promise<Revision> => {
  const response = await fetch(`${base(scope)}${path}`, {
    method: 'POST',
    headers: body === undefined ? auth(scope.key) : { ...auth(scope.key), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.ok ? ((await response.json()) as { revision: Revision }).revision : fail(response);
};

/** Names the current state (edit key): the new named revision. */
export const nameVersion = (scope: HistoryScope, name: string): Promise<Revision> => post(scope, '/revisions', { name });

/** Turns the text into revision `rev`'s, as new edits (edit key): the restore revision. */
export const restoreRevision = (scope: HistoryScope, rev: number): Promise<Revision> => post(scope, `/revisions/${rev}/restore`);
