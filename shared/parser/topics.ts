/**
 * Agenda topics and the planned duration (GUIDE 1.6): in the agenda section, below the agenda's
 * own heading, the headings and the list items at the shallowest list depth, in order.
 */
import type { Block } from './blocks.js';
import { checkboxOf } from './action-items.js';
import { type IdAssigner, normalizeText } from './ids.js';
import { stripEmphasis } from './inline.js';
import { durationOfLine } from './time-box.js';
import { parseTopicText } from './topic-text.js';
import type { NotesHeadingRef, ParsedTopic } from './types.js';

const AGENDA_TITLE = /^agenda[ \t]*:?$/i;

/** The key under which a topic and a notes heading match: case, spacing, numbering and emphasis ignored. */
export const topicKey = (title: string): string => {
  const plain = stripEmphasis(normalizeText(title).replace(/^\d{1,9}[.)] /, '')).toLowerCase();
  return plain.endsWith(':') ? plain.slice(0, -1).trimEnd() : plain;
};

/**
 * The blocks topics are read from: those under the heading named "Agenda", up to the next heading
 * of its level or higher. Without one, the section's first heading is the agenda's own (the
 * meeting title) if no list item comes before it; else the whole section counts.
 */
const agendaRegion = (blocks: Block[]): Block[] => {
  const own = blocks.findIndex((b) => b.kind === 'heading' && AGENDA_TITLE.test(stripEmphasis(b.text)));
  if (own !== -1) {
    const level = blocks[own]!.level;
    let end = own + 1;
    while (end < blocks.length && !(blocks[end]!.kind === 'heading' && blocks[end]!.level <= level)) end++;
    return blocks.slice(own + 1, end);
  }
  const first = blocks.findIndex((b) => b.kind === 'heading' || b.kind === 'item');
  return first !== -1 && blocks[first]!.kind === 'heading' ? blocks.slice(first + 1) : blocks;
};

/** A topic block's text without a leading checkbox (`text` and `scan` aligned), or null if empty. */
const bodyOf = (block: Block): { text: string; scan: string } | null => {
  const skip = block.kind === 'item' && checkboxOf(block.text) !== null ? 4 : 0;
  const text = block.text.slice(skip);
  const lead = text.length - text.trimStart().length;
  return text.trim() ? { text: text.slice(lead), scan: block.scan.slice(skip + lead) } : null;
};

/** The first notes heading for each title key. */
export const notesHeadingIndex = (notes: Block[]): Map<string, NotesHeadingRef> => {
  const index = new Map<string, NotesHeadingRef>();
  for (const block of notes) {
    if (block.kind !== 'heading' || !block.text) continue;
    const key = topicKey(parseTopicText(block.text, block.scan).title);
    if (!index.has(key)) index.set(key, { line: block.line, offset: block.lineStart, level: block.level });
  }
  return index;
};

/** The shallowest depth among the list items that could be topics (Infinity if none). */
const shallowestItem = (blocks: Block[]): number => {
  let depth = Infinity;
  for (const block of blocks) if (block.kind === 'item' && block.depth < depth && bodyOf(block)) depth = block.depth;
  return depth;
};

/** The agenda's topics, each linked to the notes heading of the same title if there is one. */
export const topicsOf = (agenda: Block[], ids: IdAssigner, notesHeadings: Map<string, NotesHeadingRef>): ParsedTopic[] => {
  // A `Duration: …` line is about the meeting, not a topic.
  const region = agendaRegion(agenda).filter((b) => (b.kind === 'heading' || b.kind === 'item') && durationOfLine(b.text) === null);
  const depth = shallowestItem(region);
  const topics: ParsedTopic[] = [];
  for (const block of region) {
    if (block.kind === 'item' && block.depth !== depth) continue;
    const body = bodyOf(block);
    if (!body) continue;
    const { title, owners, minutes } = parseTopicText(body.text, body.scan);
    topics.push({
      id: ids.next('topic', 'agenda', body.text),
      text: body.text,
      owners,
      minutes,
      line: block.line,
      title,
      kind: block.kind === 'heading' ? 'heading' : 'item',
      offset: block.lineStart,
      notesHeading: notesHeadings.get(topicKey(title)) ?? null,
    });
  }
  return topics;
};

/** The planned minutes: the first `Duration: …` line of the agenda, else the sum of the time boxes, else null. */
export const plannedMinutesOf = (agenda: Block[], topics: ParsedTopic[]): number | null => {
  for (const block of agenda) {
    const minutes = block.kind === 'blank' || block.kind === 'rule' ? null : durationOfLine(block.text);
    if (minutes !== null) return minutes;
  }
  const boxed = topics.filter((t) => t.minutes !== null);
  return boxed.length ? Math.round(boxed.reduce((sum, t) => sum + t.minutes!, 0) * 100) / 100 : null;
};
