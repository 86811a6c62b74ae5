/** Calls of the running meeting (GUIDE 1.8): attendance and minutes. */
import type { AttendanceList } from '../../shared/api-types.js';
import { auth, fail } from './api.js';

const meetingUrl = (id: string, rest: string): string => `/api/meetings/${encodeURIComponent(id)}/${rest}`;

/** Who attended the meeting, present and past, in order of first join. */
export const getAttendance = async (id: string, key: string): Promise<AttendanceList> => {
  const response = await fetch(meetingUrl(id, 'attendance'), { headers: auth(key), cache: 'no-store' });
  return response.ok ? ((await response.json()) as AttendanceList) : fail(response);
};

/** The meeting's minutes as Markdown. */
export const getMinutes = async (id: string, key: string): Promise<string> => {
  const response = await fetch(meetingUrl(id, 'minutes.md'), { headers: auth(key), cache: 'no-store' });
  return response.ok ? response.text() : fail(response);
};
