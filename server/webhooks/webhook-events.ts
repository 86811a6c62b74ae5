/**
 * The event catalogue and what each delivery's body says: `{ type, timestamp, data }` (json) or
 * `{ text }` (chat: Slack, Mattermost and Rocket.Chat incoming webhooks take it unchanged). Data
 * always names the meeting (`{ id, title, url }`, the link without a key) and its series. Chat text
 * is escaped as Slack requires (`&`, `<`, `>`: its control characters, so a title cannot carry
 * `<!channel>` or a disguised `<https://…|link>`), and the room-wide mentions of Mattermost and
 * Rocket.Chat (`@channel`, `@all`, `@here`) are broken with a word joiner: what people typed into a
 * meeting cannot ping a whole channel.
 */
import type { Revision, WebhookEvent, WebhookFormat } from '../../shared/api-types.js';
import type { ActionItem } from '../../shared/meeting-parser.js';

/** The events a webhook can subscribe to (`ping` is only sent on request, to any webhook). */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['meeting.created', 'meeting.updated', 'meeting.deleted', 'action_item.created', 'action_item.done', 'meeting.ended', 'revision.named', 'ping'];

/** Longest minutes text a chat message carries (chat services cut long messages, Slack at 40,000). */
export const MAX_CHAT_MINUTES = 30_000;

/** The meeting an event is about, as payloads show it. */
export interface MeetingRef {
  id: string;
  title: string;
  url: string;
}

/** What an event says besides its type: its `data`. */
export type EventData =
  | { meeting: MeetingRef; series: { id: string; title: string } | null; actionItem?: ActionItem; minutes?: string; updatedAt?: string; revision?: Revision }
  | { webhook: { id: string } };

/** The JSON body of an event. */
export const jsonBody = (type: WebhookEvent, at: number, data: EventData): string => JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });

const quoted = (text: string): string => `“${text.replace(/[\r\n]+/g, ' ')}”`;

const SLACK_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text for a chat message: Slack's three control characters escaped, room-wide mentions defused. */
export const chatSafe = (text: string): string =>
  text.replace(/[&<>]/g, (char) => SLACK_ESCAPES[char]!).replace(/@(channel|all|here|everyone)\b/gi, '@\u2060$1');

const itemLine = (item: ActionItem): string => {
  const who = item.assignees.length ? ` (${item.assignees.map((name) => `@${name}`).join(', ')})` : '';
  const due = item.due ? `, due ${item.due}` : '';
  return `${item.text}${who}${due}`;
};

// Cut on the escaped text (what counts against the chat's limit), never inside an entity.
const cut = (safe: string): string => safe.slice(0, MAX_CHAT_MINUTES).replace(/&[a-z]*$/, '');

/** The chat text of an event, every part of it escaped (chatSafe): one line with the meeting's link, and the minutes for meeting.ended. */
export const chatText = (type: WebhookEvent, data: EventData): string => {
  if (!('meeting' in data)) return 'meetpad: this webhook works (ping).';
  const title = quoted(chatSafe(data.meeting.title));
  const url = chatSafe(data.meeting.url);
  const meeting = `${title} ${url}`;
  const item = data.actionItem ? chatSafe(itemLine(data.actionItem)) : '';
  switch (type) {
    case 'meeting.created':
      return `New meeting ${meeting}`;
    case 'meeting.updated':
      return `Meeting ${meeting} was edited`;
    case 'meeting.deleted':
      return `Meeting ${title} was deleted (${url})`;
    case 'action_item.created':
      return `New action item in ${meeting}: ${item}`;
    case 'action_item.done':
      return `Action item done in ${meeting}: ${item}`;
    case 'meeting.ended': {
      const minutes = chatSafe(data.minutes ?? '');
      const shown = minutes.length > MAX_CHAT_MINUTES ? `${cut(minutes)}\n\n… (the rest: ${url})` : minutes;
      return `Meeting ${meeting} ended. Minutes:\n\n${shown}`;
    }
    case 'revision.named':
      return `Version ${quoted(chatSafe(data.revision?.name ?? ''))} of ${meeting} was saved`;
    default:
      return `meetpad: ${type} ${meeting}`;
  }
};

/** The body a webhook of `format` is sent for an event. */
export const bodyFor = (format: WebhookFormat, type: WebhookEvent, at: number, data: EventData): string =>
  format === 'chat' ? JSON.stringify({ text: chatText(type, data) }) : jsonBody(type, at, data);
