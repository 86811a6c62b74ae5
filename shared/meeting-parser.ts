/**
 * The meeting parser (GUIDE 1.6): what a meeting's Markdown says, read the same way by the server
 * (`GET /api/meetings/:id/items`, minutes, series carry-over) and by the page (action items panel,
 * agenda topics, re-run on every change). Pure and linear: no I/O, no Node APIs, no state between
 * calls. Building blocks live in `shared/parser/`.
 */
import { actionItemsOf } from './parser/action-items.js';
import { scanBlocks } from './parser/blocks.js';
import { decisionsOf } from './parser/decisions.js';
import { createIdAssigner } from './parser/ids.js';
import { notesHeadingIndex, plannedMinutesOf, topicsOf } from './parser/topics.js';
import type { MeetingItems, MeetingText, ParsedActionItem, ParsedMeeting } from './parser/types.js';

export type {
  ActionItem,
  Decision,
  MeetingItems,
  MeetingText,
  NotesHeadingRef,
  ParsedActionItem,
  ParsedDecision,
  ParsedMeeting,
  ParsedSection,
  ParsedTopic,
  Topic,
  TopicOwner,
} from './parser/types.js';
export { topicKey } from './parser/topics.js';
export { parseTimebox, durationOfLine } from './parser/time-box.js';

/** Reads the action items, decisions, agenda topics and planned minutes out of a meeting. */
export const parseMeeting = ({ agenda, notes }: MeetingText): ParsedMeeting => {
  const agendaBlocks = scanBlocks(agenda);
  const notesBlocks = scanBlocks(notes);
  // One assigner per parse: ids are prefixed by kind and section, so they never clash.
  const ids = createIdAssigner();
  const topics = topicsOf(agendaBlocks, ids, notesHeadingIndex(notesBlocks));
  return {
    actionItems: [...actionItemsOf(agendaBlocks, 'agenda', ids), ...actionItemsOf(notesBlocks, 'notes', ids)],
    decisions: [...decisionsOf(agendaBlocks, 'agenda', ids), ...decisionsOf(notesBlocks, 'notes', ids)],
    topics,
    plannedMinutes: plannedMinutesOf(agendaBlocks, topics),
  };
};

/** The exact JSON of `GET /api/meetings/:id/items`: the parse without the editor-only fields. */
export const toMeetingItems = (parsed: ParsedMeeting): MeetingItems => ({
  actionItems: parsed.actionItems.map(({ id, text, done, assignees, due, section, line }) => ({ id, text, done, assignees, due, section, line })),
  decisions: parsed.decisions.map(({ id, text, section, line }) => ({ id, text, section, line })),
  topics: parsed.topics.map(({ id, text, owners, minutes, line }) => ({ id, text, owners, minutes, line })),
  plannedMinutes: parsed.plannedMinutes,
});

/** The one-character edit that ticks an action item off (or back on): replace `length` 1 at `index`. */
export const checkboxToggle = (item: ParsedActionItem): { section: ParsedActionItem['section']; index: number; length: 1; insert: ' ' | 'x' } => ({
  section: item.section,
  index: item.checkOffset,
  length: 1,
  insert: item.done ? ' ' : 'x',
});
