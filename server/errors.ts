/**
 * Every coded error the server answers with, in one table: the HTTP API sends `{ error, message }`
 * with the status, and the WebSocket endpoint refuses upgrades with the same status and body. The
 * app's error handler hides the details of anything not listed here (500).
 */
import createError from '@fastify/error';

/** Coded errors: `throw new Errors.MeetingNotFound()`. */
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
  MeetingDeleted: createError('meeting_deleted', 'This meeting was deleted', 410),
  BadSeriesId: createError('bad_series_id', 'Series ids are 8 to 64 characters of A-Z a-z 0-9 _ -', 400),
  BadDate: createError('bad_date', 'Dates are calendar dates written YYYY-MM-DD: %s', 400),
  WrongSeriesKey: createError('wrong_key', 'This key does not open this series', 401),
  SeriesNotFound: createError('series_not_found', 'No series with this id', 404),
  SeriesDeleted: createError('series_deleted', 'This series was deleted', 410),
  AlreadyInSeries: createError('meeting_in_series', 'This meeting already belongs to a series', 409),
  BadWebhookUrl: createError('bad_webhook_url', 'Webhook URLs are http or https URLs of at most 2048 characters: %s', 400),
  PrivateWebhookTarget: createError('private_webhook_target', '%s', 400),
  BadWebhookEvents: createError('bad_webhook_events', '%s', 400),
  WebhookNotFound: createError('webhook_not_found', 'No webhook with this id here', 404),
  TooManyWebhooks: createError('too_many_webhooks', 'At most %s webhooks per meeting, series or server', 409),
  WebhooksDisabled: createError('webhooks_disabled', 'Webhooks are disabled: instances that share a database need MEETPAD_WEBHOOK_KEY (the same on each)', 403),
  BadRevision: createError('bad_revision', 'Revision ids are whole numbers of 1 to 10 digits: %s', 400),
  BadRevisionName: createError('bad_revision_name', 'A revision name is one line of 1 to 100 characters: %s', 400),
  RevisionNotFound: createError('revision_not_found', 'This meeting has no revision %s', 404),
  TooManyRevisions: createError('too_many_revisions', 'This meeting has the most named revisions it may keep (%s)', 409),
  TooLarge: createError('too_large', '%s', 413),
  StorageUnavailable: createError('storage_unavailable', 'The server cannot read or save meetings right now: %s', 503),
} as const;

/** True for the one server-side (5xx) error whose code and message are shown: anything else is "internal". */
export const isStorageUnavailable = (error: unknown): boolean => error instanceof Errors.StorageUnavailable;
