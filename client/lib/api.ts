/** Calls to the meetpad HTTP API (GUIDE 1.1). */

import type { CreatedMeeting, MeetingInfo } from '../../shared/api-types.js';

export type { CreatedMeeting, MeetingInfo };

/** An HTTP error answer of the API. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Throws the ApiError of a failed answer (its JSON `{ error, message }`, else its status). */
export const fail = async (response: Response): Promise<never> => {
  let body: { error?: string; message?: string } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not JSON: keep the status text
  }
  throw new ApiError(response.status, body.error ?? String(response.status), body.message ?? response.statusText);
};

/** The request headers that carry a meeting or series key. */
export const auth = (key: string): HeadersInit => ({ Authorization: `Bearer ${key}` });

/** Creates a meeting from a title and/or Markdown text. */
export const createMeeting = async (body: { title?: string; markdown?: string }): Promise<CreatedMeeting> => {
  const response = await fetch('/api/meetings', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.ok ? ((await response.json()) as CreatedMeeting) : fail(response);
};

/** Fetches a meeting's facts and this key's role; throws ApiError (401, 404...) or TypeError when offline. */
export const getMeeting = async (id: string, key: string): Promise<MeetingInfo> => {
  const response = await fetch(`/api/meetings/${encodeURIComponent(id)}`, { headers: auth(key), cache: 'no-store' });
  return response.ok ? ((await response.json()) as MeetingInfo) : fail(response);
};

/** Downloads the meeting as Markdown bytes. */
export const exportMarkdown = async (id: string, key: string): Promise<Blob> => {
  const response = await fetch(`/api/meetings/${encodeURIComponent(id)}/export.md`, { headers: auth(key), cache: 'no-store' });
  return response.ok ? response.blob() : fail(response);
};
