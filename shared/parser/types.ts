/**
 * The shapes the meeting parser (GUIDE 1.6) produces. `MeetingItems` is exactly the JSON of
 * `GET /api/meetings/:id/items`; the `Parsed*` types add what an editor needs on top of it.
 */

/** The Markdown section an item was found in. */
export type ParsedSection = 'agenda' | 'notes';

/** The parser's input: the two Markdown texts of a meeting. */
export interface MeetingText {
  agenda: string;
  notes: string;
}

/** An action item (`- [ ] text`), as the API returns it. */
export interface ActionItem {
  id: string;
  text: string;
  done: boolean;
  assignees: string[];
  /** `YYYY-MM-DD`, or null when no valid date is given. */
  due: string | null;
  section: ParsedSection;
  /** 1-based line number within the section. */
  line: number;
}

/** A decision, as the API returns it. */
export interface Decision {
  id: string;
  text: string;
  section: ParsedSection;
  line: number;
}

/** Someone who leads an agenda topic; `tentative` for `(Name?)`. */
export interface TopicOwner {
  name: string;
  tentative: boolean;
}

/** An agenda topic, as the API returns it (always in the agenda section). */
export interface Topic {
  id: string;
  text: string;
  owners: TopicOwner[];
  /** The time box in minutes, or null. */
  minutes: number | null;
  line: number;
}

/** `GET /api/meetings/:id/items` → 200. */
export interface MeetingItems {
  actionItems: ActionItem[];
  decisions: Decision[];
  topics: Topic[];
  /** The `Duration:` line, else the sum of the time boxes, else null. */
  plannedMinutes: number | null;
}

/** An action item plus where to edit it. */
export interface ParsedActionItem extends ActionItem {
  /** Offset (in the section's text) of the character between the brackets: ' ', 'x' or 'X'. */
  checkOffset: number;
  /** Offset of the start of the item's line. */
  offset: number;
}

/** A decision plus where it is. */
export interface ParsedDecision extends Decision {
  /** Offset of the start of the decision's line. */
  offset: number;
}

/** A notes heading that carries a topic's title. */
export interface NotesHeadingRef {
  line: number;
  /** Offset of the start of the heading's line in the notes text. */
  offset: number;
  level: number;
}

/** A topic plus what a client needs to find or create its notes heading. */
export interface ParsedTopic extends Topic {
  /** The text without owners, time box and checkbox: the name for a notes heading. */
  title: string;
  /** Whether the topic is an agenda heading or a list item. */
  kind: 'heading' | 'item';
  /** Offset of the start of the topic's line in the agenda text. */
  offset: number;
  /** The first notes heading with the same title (see `topicKey`), or null. */
  notesHeading: NotesHeadingRef | null;
}

/** Everything the parser reads out of a meeting. */
export interface ParsedMeeting {
  actionItems: ParsedActionItem[];
  decisions: ParsedDecision[];
  topics: ParsedTopic[];
  plannedMinutes: number | null;
}
