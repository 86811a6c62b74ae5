/** Calls to the series API (GUIDE 1.7); errors are ApiError as in api.ts, TypeError when offline. */
import type { Cadence, CreatedSeries, CreatedSeriesMeeting, SeriesInfo } from '../../shared/api-types.js';
import { auth, fail } from './api.js';

export type { Cadence, CreatedSeries, CreatedSeriesMeeting, SeriesInfo };

/** The cadences a series can have, with what the page calls them. */
export const CADENCE_LABELS: Record<Cadence, string> = {
  weekly: 'Weekly',
  biweekly: 'Every two weeks',
  monthly: 'Monthly',
  none: 'No fixed cadence',
};

const json = (key: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { ...auth(key), 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

const path = (id: string): string => `/api/series/${encodeURIComponent(id)}`;

/** Turns a standalone meeting into the first meeting of a new series (meeting edit key). */
export const makeSeries = async (meetingId: string, meetingKey: string, body: { title?: string; cadence?: Cadence }): Promise<CreatedSeries> => {
  const response = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/series`, json(meetingKey, body));
  return response.status === 201 ? ((await response.json()) as CreatedSeries) : fail(response);
};

/** The series, its meetings (newest first) and its rolling action log (any series key). */
export const getSeries = async (id: string, key: string): Promise<SeriesInfo> => {
  const response = await fetch(path(id), { headers: auth(key), cache: 'no-store' });
  return response.ok ? ((await response.json()) as SeriesInfo) : fail(response);
};

/** Starts the next meeting of a series: template plus carried-over items (series edit key). */
export const startNextMeeting = async (id: string, key: string, body: { date?: string; title?: string } = {}): Promise<CreatedSeriesMeeting> => {
  const response = await fetch(`${path(id)}/meetings`, json(key, body));
  return response.status === 201 ? ((await response.json()) as CreatedSeriesMeeting) : fail(response);
};

/** Deletes a series and every meeting of it (series edit key). */
export const deleteSeries = async (id: string, key: string): Promise<void> => {
  const response = await fetch(path(id), { method: 'DELETE', headers: auth(key) });
  if (response.status !== 204) await fail(response);
};
