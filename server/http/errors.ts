/**
 * Every error the HTTP API answers with, in one table. Responses are `{ error, message }`; the
 * error handler in app.ts hides the details of anything unexpected (5xx).
 */
import createError from '@fastify/error';

/** Coded API errors: `new Errors.NotFound()`. */
export const Errors = {
  BadMeetingId: createError('bad_meeting_id', 'Meeting ids are 8 to 64 characters of A-Z a-z 0-9 _ -', 400),
  BadMarkdown: createError('bad_markdown', 'The Markdown cannot be stored: %s', 400),
  KeyRequired: createError('key_required', 'A key is required (Authorization: Bearer KEY or ?key=KEY)', 401),
  WrongKey: createError('wrong_key', 'This key does not open this meeting', 401),
  TokenRequired: createError('token_required', 'This action requires a valid token (Authorization: Bearer TOKEN)', 401),
  EditKeyRequired: createError('edit_key_required', 'This action requires the edit key', 403),
  OriginNotAllowed: createError('origin_not_allowed', 'Requests from this Origin are not allowed', 403),
  AdminDisabled: createError('admin_disabled', 'The admin API is disabled: set MEETPAD_ADMIN_TOKEN to enable it', 403),
  MeetingNotFound: createError('meeting_not_found', 'No meeting with this id', 404),
  Unavailable: createError('unavailable', 'The server cannot serve this right now: %s', 503),
} as const;
