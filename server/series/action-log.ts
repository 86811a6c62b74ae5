/**
 * The rolling action log of a series (GUIDE 1.7): every action item still open across its
 * meetings. Items are matched by their text without the carried suffix; the latest meeting that
 * mentions an item decides its state, so an item ticked in a later meeting is done, wherever it
 * was first written.
 */
import type { SeriesOpenItem } from '../../shared/api-types.js';
import type { ActionItem } from '../../shared/meeting-parser.js';
import { itemKey } from './carry-over.js';

/** One meeting's items, as the log reads them. */
export interface MeetingItemsRef {
  id: string;
  title: string;
  actionItems: readonly ActionItem[];
}

/** Open and done counts of one meeting's items. */
export const countsOf = (items: readonly ActionItem[]): { openItems: number; doneItems: number } => {
  const done = items.filter((item) => item.done).length;
  return { openItems: items.length - done, doneItems: done };
};

/**
 * The items open after the last meeting that mentions them, each as last seen. `meetings` are
 * oldest first; the log keeps the order in which items first appeared. Within one meeting, an item
 * ticked anywhere is done.
 */
export const rollingLog = (meetings: readonly MeetingItemsRef[]): SeriesOpenItem[] => {
  const latest = new Map<string, { item: ActionItem; meeting: MeetingItemsRef; done: boolean }>();
  for (const meeting of meetings) {
    const seenHere = new Set<string>();
    for (const item of meeting.actionItems) {
      const key = itemKey(item.text);
      const entry = latest.get(key);
      if (!seenHere.has(key) || !entry) {
        seenHere.add(key);
        latest.set(key, { item, meeting, done: item.done });
      } else if (item.done) {
        entry.done = true;
      }
    }
  }
  return [...latest.values()]
    .filter((entry) => !entry.done)
    .map(({ item, meeting }) => ({ ...item, meetingId: meeting.id, meetingTitle: meeting.title }));
};
