/**
 * Calls of the series API for the series tests, either through `app.inject()` or over HTTP to a
 * real server; every response body is read in full.
 */
import type { CreatedMeeting, CreatedSeries, CreatedSeriesMeeting, MeetingInfo, SeriesInfo } from '../../shared/api-types.js';
import type { MeetingItems } from '../../shared/meeting-parser.js';
import type { MeetpadApp } from '../../server/app.js';

/** An app to inject into, or the base URL of a running server. */
export type Target = MeetpadApp | string;

/** A JSON answer. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  type: string;
}

/** One request; `key` goes as a Bearer header. */
export const call = async <T = Record<string, unknown>>(
  target: Target,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  { key, body }: { key?: string; body?: unknown } = {},
): Promise<Answer<T>> => {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (typeof target === 'string') {
    const response = await fetch(`${target}${url}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    return { status: response.status, text, type: response.headers.get('content-type') ?? '', body: (text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : {}) as T };
  }
  const response = await target.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const type = String(response.headers['content-type'] ?? '');
  return { status: response.statusCode, text: response.body, type, body: (response.body && /json/.test(type) ? JSON.parse(response.body) : {}) as T };
};

const expectStatus = <T>(answer: Answer<T>, status: number, what: string): T => {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text}`);
  return answer.body;
};

/** `POST /api/series` → 201. */
export const createSeries = async (target: Target, body: Record<string, unknown>): Promise<CreatedSeries> =>
  expectStatus(await call<CreatedSeries>(target, 'POST', '/api/series', { body }), 201, 'create series');

/** `POST /api/series/:id/meetings` → 201. */
export const startNext = async (target: Target, series: CreatedSeries, body: Record<string, unknown> = {}): Promise<CreatedSeriesMeeting> =>
  expectStatus(await call<CreatedSeriesMeeting>(target, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey, body }), 201, 'start next meeting');

/** `GET /api/series/:id` → 200. */
export const getSeries = async (target: Target, id: string, key: string): Promise<SeriesInfo> =>
  expectStatus(await call<SeriesInfo>(target, 'GET', `/api/series/${id}`, { key }), 200, 'get series');

/** `GET /api/meetings/:id` → 200. */
export const getMeeting = async (target: Target, id: string, key: string): Promise<MeetingInfo> =>
  expectStatus(await call<MeetingInfo>(target, 'GET', `/api/meetings/${id}`, { key }), 200, 'get meeting');

/** `GET /api/meetings/:id/items` → 200. */
export const itemsOf = async (target: Target, id: string, key: string): Promise<MeetingItems> =>
  expectStatus(await call<MeetingItems>(target, 'GET', `/api/meetings/${id}/items`, { key }), 200, 'get items');

/** `GET /api/meetings/:id/export.md` → 200, as text. */
export const exportOf = async (target: Target, id: string, key: string): Promise<string> => {
  const answer = await call(target, 'GET', `/api/meetings/${id}/export.md`, { key });
  if (answer.status !== 200) throw new Error(`export: ${answer.status} ${answer.text}`);
  return answer.text;
};

/** `POST /api/meetings` → 201. */
export const createMeetingOn = async (target: Target, body: { title?: string; markdown?: string }): Promise<CreatedMeeting> =>
  expectStatus(await call<CreatedMeeting>(target, 'POST', '/api/meetings', { body }), 201, 'create meeting');

/** The lines of a page under its `## Carried over` heading (up to the next heading). */
export const carriedOver = (page: string): string[] => {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} Carried over\s*$/.test(line));
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^#{1,6} /.test(line));
  return (end < 0 ? rest : rest.slice(0, end)).filter((line) => line.trim() !== '');
};
