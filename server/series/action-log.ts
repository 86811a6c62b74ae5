/**
 * The rolling action log of a series (GUIDE 1.7): every action item still open across its
 * meetings, which is also exactly what the next meeting carries over. One rule for both:
 *
 * - Items are matched by their text without the carried suffix (normalised): the same text in
 *   several meetings is one item.
 * - An item ticked in any meeting of the series is done, wherever and whenever it was ticked
 *   (after the next meeting started, on the page it was first written in, counts too).
 * - Every other item is open, shown as last seen (the latest meeting that has it). Deleting a
 *   carried line does not settle the item: it is still open where it was written, and is carried
 *   again; ticking it does. An item added late to an earlier meeting is open and carried too.
 */
import type { SeriesOpenItem } from '../../shared/api-types.js';
import type { ActionItem } from '../../shared/meeting-parser.js';
import { itemKey, splitCarried, type ItemToCarry } from './carry-over.js';

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

/** An item of the series followed across its meetings. */
export interface FollowedItem extends ItemToCarry {
  item: ActionItem;
  seenIn: MeetingItemsRef;
  done: boolean;
}

/** The items still open across `meetings` (oldest first), in the order they first appeared. */
export const openItemsOf = (meetings: readonly MeetingItemsRef[]): FollowedItem[] => {
  const byKey = new Map<string, FollowedItem>();
  for (const meeting of meetings) {
    const seenHere = new Set<string>();
    for (const item of meeting.actionItems) {
      const key = itemKey(item.text);
      const { suffix } = splitCarried(item.text);
      const entry = byKey.get(key);
      if (!entry) {
        byKey.set(key, { key, text: item.text, origin: suffix, firstSeenIn: meeting, item, seenIn: meeting, done: item.done });
      } else {
        entry.done ||= item.done;
        entry.origin ??= suffix;
        // As last seen: the first copy in the latest meeting that has it.
        if (!seenHere.has(key)) Object.assign(entry, { text: item.text, item, seenIn: meeting });
      }
      seenHere.add(key);
    }
  }
  return [...byKey.values()].filter((entry) => !entry.done);
};

/** The rolling log: each open item as last seen, with that meeting's id and title. */
export const rollingLog = (open: readonly FollowedItem[]): SeriesOpenItem[] =>
  open.map(({ item, seenIn }) => ({ ...item, meetingId: seenIn.id, meetingTitle: seenIn.title }));
