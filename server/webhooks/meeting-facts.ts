/**
 * What a meeting's durable document says that events are made of (its title, action items and
 * whether it ended), read as the export reads it (only what is on disk), and the comparison with
 * what was announced last, so each item is announced once and a restart re-announces nothing.
 */
import type * as Y from 'yjs';
import { metaOf, textOf, titleOf } from '../../shared/doc-schema.js';
import { clampTitle } from '../../shared/markdown.js';
import { parseMeeting, toMeetingItems, type ActionItem, type MeetingText } from '../../shared/meeting-parser.js';
import { readRun } from '../../shared/meeting-run.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { Baseline } from './webhook-records.js';

/** The facts events are made of. */
export interface MeetingFacts {
  title: string | null;
  items: ActionItem[];
  endedAt: number | null;
}

/** What changed since the baseline, and the new baseline. */
export interface FactChanges {
  created: ActionItem[];
  done: ActionItem[];
  ended: boolean;
  baseline: Baseline;
}

/** The baseline of a text (a new meeting's: nothing in it is announced as new). */
export const baselineOfText = (text: MeetingText): Baseline => ({ items: itemMap(toMeetingItems(parseMeeting(text)).actionItems), endedAt: null });

const itemMap = (items: readonly ActionItem[]): Record<string, boolean> => Object.fromEntries(items.map((item) => [item.id, item.done]));

const factsOf = (doc: Y.Doc): MeetingFacts => {
  const run = readRun(metaOf(doc));
  const title = titleOf(doc);
  return {
    title: title === null ? null : clampTitle(title) || null,
    items: toMeetingItems(parseMeeting(textOf(doc))).actionItems,
    endedAt: run.status === 'ended' ? run.endedAt : null,
  };
};

/** Reads a meeting's durable facts (throws MeetingDeleted once it is gone). */
export const readFacts = async (meetings: MeetingService, id: string): Promise<MeetingFacts> => {
  return (await meetings.readDurable(id, factsOf)).value;
};

/**
 * Items that are new or newly done, and whether the meeting ended (again) since the baseline. No
 * baseline (a meeting older than webhooks): the facts become it and nothing is announced.
 */
export const changesSince = (baseline: Baseline | undefined, facts: MeetingFacts): FactChanges => {
  const next: Baseline = { items: itemMap(facts.items), endedAt: facts.endedAt };
  if (!baseline) return { created: [], done: [], ended: false, baseline: next };
  const created = facts.items.filter((item) => !(item.id in baseline.items));
  const done = facts.items.filter((item) => item.done && baseline.items[item.id] === false);
  const ended = facts.endedAt !== null && facts.endedAt !== baseline.endedAt;
  return { created, done, ended, baseline: next };
};
