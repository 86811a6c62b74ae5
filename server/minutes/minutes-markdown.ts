/**
 * The minutes of a meeting (GUIDE 1.8) as a short Markdown summary to paste into email or chat:
 * title, date, link and attendance, the topics covered with the time spent against their time
 * boxes (from the run log in `meta`), the decisions, and the action items grouped by owner. Pure:
 * everything it shows is passed in; times are shown in UTC (the server knows no reader's zone).
 */
import type { Attendee } from '../../shared/api-types.js';
import type { ActionItem, ParsedMeeting, ParsedTopic, TopicOwner } from '../../shared/meeting-parser.js';
import { coveredTopics, type MeetingRun } from '../../shared/meeting-run.js';

/** What the minutes are made of. */
export interface MinutesInput {
  title: string;
  /** The meeting record's creation time (ISO 8601): the date when the meeting was never run. */
  createdAt: string;
  /** The meeting's page, without a key. */
  link: string;
  attendees: Attendee[];
  meeting: ParsedMeeting;
  run: MeetingRun;
  /** The server's time (an open topic counts up to it). */
  now: number;
}

const MINUTE = 60_000;

// Names and titles are people's text: one line each, so they cannot open a heading of their own.
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

/** `12 min`, `<1 min` for a few seconds, `0 min` for nothing. */
export const formatMinutes = (ms: number): string => {
  const minutes = Math.round(ms / MINUTE);
  return minutes === 0 && ms > 0 ? '<1 min' : `${minutes} min`;
};

const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
const owners = (list: TopicOwner[]): string => (list.length ? ` (${list.map((o) => oneLine(o.name) + (o.tentative ? '?' : '')).join(', ')})` : '');
const boxText = (minutes: number | null): string => (minutes === null ? '' : ` (${minutes} min box)`);

const dateLine = ({ run, createdAt, now }: MinutesInput): string => {
  if (run.startedAt === null) return `- Date: ${createdAt.slice(0, 10)}`;
  const end = run.status === 'ended' ? clockTime(run.endedAt!) : `${clockTime(now)}, in progress`;
  return `- Date: ${new Date(run.startedAt).toISOString().slice(0, 10)}, ${clockTime(run.startedAt)}–${end} UTC`;
};

const attendanceLine = (attendees: Attendee[]): string => {
  if (!attendees.length) return '- Present: nobody recorded';
  return `- Present: ${attendees.map((a) => `${oneLine(a.name)} (${formatMinutes(a.secondsPresent * 1000)})`).join(', ')}`;
};

const topicLines = ({ meeting, run, now }: MinutesInput): string[] => {
  const { topics, plannedMinutes } = meeting;
  if (run.spans.length === 0) {
    if (!topics.length) return ['No agenda topics.'];
    return ['Not timed on meetpad. The agenda:', '', ...topics.map((t, i) => `${i + 1}. ${oneLine(t.title)}${owners(t.owners)}${boxText(t.minutes)}`)];
  }
  const covered = coveredTopics<ParsedTopic>(run, topics, now);
  const total = covered.reduce((sum, c) => sum + c.spentMs, 0);
  const lines = [`${formatMinutes(total)} in all${plannedMinutes === null ? '' : ` of ${plannedMinutes} min planned`}.`, ''];
  covered.forEach((c, i) => {
    const box = c.topic?.minutes ?? null;
    const over = box !== null && c.spentMs - box * MINUTE >= MINUTE / 2 ? `, ${formatMinutes(c.spentMs - box * MINUTE)} over` : '';
    const against = box === null ? '' : ` of ${box}${over}`;
    lines.push(`${i + 1}. ${oneLine(c.title)}${owners(c.topic?.owners ?? [])}: ${formatMinutes(c.spentMs)}${against}`);
  });
  const skipped = topics.filter((t) => !covered.some((c) => c.topic === t));
  if (skipped.length) lines.push('', `Not discussed: ${skipped.map((t) => oneLine(t.title)).join('; ')}`);
  return lines;
};

const checkbox = (item: ActionItem): string => `- [${item.done ? 'x' : ' '}] ${oneLine(item.text)}`;

// Each owner once (case ignored, first spelling shown), in order of first mention; items without
// an owner last. An item with two owners is listed under both.
const actionItemLines = (items: ActionItem[]): string[] => {
  if (!items.length) return ['None recorded.'];
  const groups = new Map<string, { owner: string; items: ActionItem[] }>();
  const unowned: ActionItem[] = [];
  for (const item of items) {
    if (!item.assignees.length) unowned.push(item);
    for (const owner of item.assignees) {
      const key = owner.toLowerCase();
      const group = groups.get(key) ?? { owner, items: [] };
      group.items.push(item);
      groups.set(key, group);
    }
  }
  const blocks = [...groups.values()].map((g) => [`**@${g.owner}**`, ...g.items.map(checkbox)]);
  if (unowned.length) blocks.push(['**No owner**', ...unowned.map(checkbox)]);
  return blocks.flatMap((block, i) => (i ? ['', ...block] : block));
};

/** The minutes as Markdown (LF line endings, one final newline). */
export const minutesMarkdown = (input: MinutesInput): string => {
  const { decisions, actionItems } = input.meeting;
  const lines = [
    `# Minutes: ${oneLine(input.title)}`,
    '',
    dateLine(input),
    attendanceLine(input.attendees),
    `- Meeting: ${input.link}`,
    '',
    '## Topics',
    '',
    ...topicLines(input),
    '',
    '## Decisions',
    '',
    ...(decisions.length ? decisions.map((d) => `- ${oneLine(d.text)}`) : ['None recorded.']),
    '',
    '## Action items',
    '',
    ...actionItemLines(actionItems),
  ];
  return `${lines.join('\n')}\n`;
};
