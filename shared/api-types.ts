/**
 * The JSON shapes of the HTTP API (GUIDE 1.1), shared by the server, the web client and the tests.
 */

/** What a key grants. */
export type Role = 'edit' | 'view';

/** `POST /api/meetings` → 201: the only answer that ever contains the keys. */
export interface CreatedMeeting {
  id: string;
  title: string;
  editKey: string;
  viewKey: string;
  createdAt: string;
}

/** `GET /api/meetings/:id` → 200. */
export interface MeetingInfo {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  role: Role;
}

/** Every error answer: `{ error, message }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
}
