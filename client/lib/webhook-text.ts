/** What the Connect dialog says about webhooks: event names, delivery results and refusals, for people. */
import { ApiError } from './api.js';
import type { WebhookDelivery, WebhookEvent, WebhookFormat } from './webhook-api.js';

/** An event a person can choose, with what it means. */
export interface EventChoice {
  event: WebhookEvent;
  label: string;
  /** Only a series can see meetings being created (a meeting exists before its webhooks). */
  seriesOnly?: boolean;
}

/** The events offered, in the order a team cares about them. */
export const EVENT_CHOICES: readonly EventChoice[] = [
  { event: 'meeting.ended', label: 'The meeting ended (with the minutes)' },
  { event: 'action_item.created', label: 'An action item was written' },
  { event: 'action_item.done', label: 'An action item was ticked off' },
  { event: 'meeting.updated', label: 'The notes changed (once edits pause)' },
  { event: 'meeting.created', label: 'A meeting of the series was started', seriesOnly: true },
  { event: 'meeting.deleted', label: 'A meeting was deleted' },
];

/** The events checked at first: what a chat channel wants to hear; an app of one's own gets everything. */
export const defaultEvents = (format: WebhookFormat, series: boolean): WebhookEvent[] =>
  format === 'chat'
    ? ['meeting.ended', 'action_item.created']
    : EVENT_CHOICES.filter((c) => series || !c.seriesOnly).map((c) => c.event);

/** What the format choice is called. */
export const FORMAT_LABELS: Record<WebhookFormat, string> = {
  chat: 'Chat (Slack, Mattermost, Rocket.Chat)',
  json: 'JSON (your own app)',
};

/** The outcome of the last attempt: "HTTP 200", or the error when the receiver did not answer. */
const lastResult = (d: WebhookDelivery): string => (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? 'no answer'));

/** One line for a delivery: "Delivered: HTTP 200", "Failed: connection refused", "Retrying (HTTP 503)". */
export const describeDelivery = (d: WebhookDelivery): string => {
  if (d.status === 'delivered') return `Delivered: ${lastResult(d)}`;
  // "the receiver answered 503" says no more than "HTTP 503"; "redirect to … not followed" does.
  const more = d.lastStatus !== null && d.lastError && !d.lastError.includes(String(d.lastStatus)) ? ` (${d.lastError})` : '';
  if (d.status === 'failed') return `Failed: ${lastResult(d)}${more}`;
  return d.attempts === 0 ? 'Queued' : `Retrying after ${lastResult(d)}`;
};

/** A time as "14:03" today, else "12 Mar, 14:03"; in a sentence (`inText`) "at 14:03" or "on 12 Mar, 14:03". */
export const formatTime = (iso: string | null, inText = false): string => {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return inText ? `at ${time}` : time;
  const day = `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
  return inText ? `on ${day}` : day;
};

// The server names the host ("10.0.0.5 is a private…", "intranet resolves to 10.0.0.5, a private…").
const privateTarget = (message: string): string => {
  const host = /^(\S+) (?:is|resolves)/.exec(message)?.[1];
  return (
    (host ? `Refused: ${host} is a private or local network address. ` : 'Refused: this address is on a private or local network (such as localhost, 10.x or 192.168.x). ') +
    'The server does not post into its own network, so that a webhook cannot reach the machines behind it. ' +
    'Use the public URL your chat app gives you, or ask the administrator to allow private targets (MEETPAD_WEBHOOK_ALLOW_PRIVATE).'
  );
};

/** What to tell the person when a webhook call failed. */
export const webhookErrorText = (error: unknown): string => {
  if (!(error instanceof ApiError)) return 'The server cannot be reached. Check your connection and try again.';
  if (error.code === 'private_webhook_target') return privateTarget(error.message);
  // "Webhook URLs are http or https URLs…: the host x does not exist": the part after the colon is about this one.
  if (error.code === 'bad_webhook_url') return `This URL cannot be used: ${error.message.split(': ').slice(1).join(': ') || error.message}. Paste the full address your chat app shows, starting with https://.`;
  if (error.code === 'edit_key_required') return 'Only the edit link can connect this to other apps: open it with the edit link.';
  if (error.status === 401) return "This link's key no longer opens it: ask for a new link.";
  if (error.code === 'meeting_not_found' || error.code === 'series_not_found') return 'This server no longer has it: it was deleted.';
  if (error.status === 404) return 'This webhook is gone: it was removed, perhaps in another window.';
  if (error.status === 410) return 'It was deleted: nothing can be connected to it any more.';
  if (error.code === 'too_many_webhooks') return `${error.message}: remove one first.`;
  if (error.status === 429) return 'Too many requests: wait a moment and try again.';
  if (error.status >= 500) return `The server could not do this right now (${error.message}). Try again in a moment.`;
  return error.message;
};
