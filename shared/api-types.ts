/**
 * The JSON shapes of the HTTP API (GUIDE 1.1), shared by the server, the web client and the tests.
 */
import type { ActionItem } from './meeting-parser.js';

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
  /** Only for a meeting of a series: the series and the meetings before and after this one. */
  series?: MeetingSeriesLinks;
}

/** Every error answer: `{ error, message }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
}

/** How often a series meets (GUIDE 1.7). */
export type Cadence = 'weekly' | 'biweekly' | 'monthly' | 'none';

/** `GET /api/meetings/:id` → `series`, for a meeting of a series. */
export interface MeetingSeriesLinks {
  id: string;
  title: string;
  /** The meeting started before this one in the series (deleted ones skipped), or null. */
  previous: string | null;
  /** The meeting started after this one, or null. */
  next: string | null;
}

/** `POST /api/series` and `POST /api/meetings/:id/series` → 201: the only answers with the series keys. */
export interface CreatedSeries {
  id: string;
  title: string;
  cadence: Cadence;
  editKey: string;
  viewKey: string;
  createdAt: string;
}

/** One meeting in `GET /api/series/:id` → `meetings`. */
export interface SeriesMeetingSummary {
  id: string;
  title: string;
  /** `YYYY-MM-DD`. */
  date: string;
  openItems: number;
  doneItems: number;
  createdAt: string;
}

/** One entry of the rolling action log: the item as last seen, and the meeting it was seen in. */
export interface SeriesOpenItem extends ActionItem {
  meetingId: string;
  meetingTitle: string;
}

/** `GET /api/series/:id` → 200. */
export interface SeriesInfo {
  id: string;
  title: string;
  cadence: Cadence;
  /** The date the next meeting gets by default (`YYYY-MM-DD`); null for cadence `none`. */
  nextDate: string | null;
  role: Role;
  createdAt: string;
  /** The Markdown page each new meeting starts from (`{{title}}`, `{{date}}` filled in). */
  template: string;
  /** Newest first. */
  meetings: SeriesMeetingSummary[];
  /** The rolling action log: every item still open across the series. */
  openItems: SeriesOpenItem[];
}

/** `POST /api/series/:id/meetings` → 201: the next meeting, with its own keys. */
export interface CreatedSeriesMeeting {
  id: string;
  title: string;
  date: string;
  seriesId: string;
  editKey: string;
  viewKey: string;
}

/** `GET /api/time` → 200: the server's clock, so clients can show the meeting's timers in its time. */
export interface ServerTime {
  /** Milliseconds since the epoch. */
  now: number;
}

/** One attendee of `GET /api/meetings/:id/attendance` (a display name as its connections claimed it). */
export interface Attendee {
  name: string;
  /** ISO 8601. */
  firstJoined: string;
  /** ISO 8601; null if no connection under this name has left yet. */
  lastLeft: string | null;
  present: boolean;
  /** Time with at least one connection under this name, up to now for those present. */
  secondsPresent: number;
}

/** `GET /api/meetings/:id/attendance` → 200, ordered by first join. */
export interface AttendanceList {
  attendees: Attendee[];
}

/** The events a webhook can subscribe to (GUIDE 1.11); `ping` is sent only on request. */
export type WebhookEvent = 'meeting.created' | 'meeting.updated' | 'meeting.deleted' | 'action_item.created' | 'action_item.done' | 'meeting.ended' | 'revision.named' | 'ping';

/** How a webhook's body is written: `{ type, timestamp, data }`, or `{ text }` for chat incoming webhooks. */
export type WebhookFormat = 'json' | 'chat';

/** One delivery of an event to a webhook; `failed` = gave up, `pending` = queued or retrying. */
export interface WebhookDelivery {
  /** The `webhook-id` header: the idempotency id. */
  id: string;
  event: WebhookEvent;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  /** The receiver's HTTP status of the last attempt; null when it did not answer. */
  lastStatus: number | null;
  lastError: string | null;
}

/** `POST <scope>/webhooks` → 201: the only answer that contains the signing secret. */
export interface CreatedWebhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  /** `whsec_` + base64 of 32 random bytes. */
  secret: string;
  createdAt: string;
}

/** One webhook of `GET <scope>/webhooks`, with its 20 most recent deliveries, newest first. */
export interface WebhookInfo {
  id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  createdAt: string;
  disabled: { at: string; reason: string } | null;
  deliveries: WebhookDelivery[];
}

/** `GET <scope>/webhooks` → 200. */
export interface WebhookList {
  webhooks: WebhookInfo[];
}

/** `POST <scope>/webhooks/:wid/ping` → 200: the result of its one attempt. */
export interface WebhookPing {
  delivery: WebhookDelivery;
}

/** How a revision came to be: kept automatically, named by someone, or the result of a restore. */
export type RevisionKind = 'auto' | 'named' | 'restore';

/** One revision of `GET /api/meetings/:id/revisions` (GUIDE 1.9; `kind` and `restoredFrom` are additions). */
export interface Revision {
  /** The revision number: 1 for the first, growing by one with each revision kept (thinned ones leave gaps). */
  id: number;
  /** When it was kept (ISO 8601). */
  at: string;
  /** Its name; null for automatic and restore revisions. */
  name: string | null;
  /** True for automatic revisions (`kind === 'auto'`): only those may be thinned. */
  auto: boolean;
  /** Display names of the attendees whose edits it holds since the previous revision. */
  authors: string[];
  kind: RevisionKind;
  /** For a restore revision: the revision whose text it restored; else null. */
  restoredFrom: number | null;
}

/** `GET /api/meetings/:id/revisions` → 200, newest first. */
export interface RevisionList {
  revisions: Revision[];
}

/** `POST /api/meetings/:id/revisions` → 201 and `POST …/revisions/:rev/restore` → 200. */
export interface RevisionAnswer {
  revision: Revision;
}

/** One span of the changes between two revisions: text in both, only in `to` (insert) or only in `from` (delete). */
export interface ChangeSpan {
  op: 'equal' | 'insert' | 'delete';
  text: string;
  /** Display name of who wrote the text, or null when unknown (the initial content, for example). */
  author: string | null;
}

/** `GET /api/meetings/:id/changes?from=REV&to=REV` → 200: per section, the spans in document order. */
export interface MeetingChanges {
  from: number;
  to: number;
  agenda: ChangeSpan[];
  notes: ChangeSpan[];
}

/**
 * `GET /api/meetings/:id/authorship` → 200: who wrote what. `ranges` is flat quadruples
 * `client, clock, len, index into names` (shared/author-map.ts reads it: `new AuthorMap(body)`).
 */
export interface AuthorshipMap {
  names: Array<string | null>;
  ranges: number[];
}
