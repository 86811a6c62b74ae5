/**
 * One attendance list out of several accounts of it: the live ledger of this instance and the
 * records other instances wrote (GUIDE 1.8 with 1.10). Per name: the earliest join, the latest
 * leave, present if present in any, and the time present as the union of every interval, so one
 * person with a tab on two instances at once counts once.
 */
import type { Attendee } from '../../shared/api-types.js';

/** One source's account of one attendee (a ledger, or a stored record): what merging works on. */
export interface AttendeeView {
  name: string;
  firstJoined: number;
  lastLeft: number | null;
  /** Time present in intervals that have ended (those in `spans` and older ones). */
  closedMs: number;
  /** The latest ended intervals, `[from, to]`. */
  spans: Array<[number, number]>;
  /** Start of the interval in progress (present now), or null. */
  openSince: number | null;
}

// Length of the union of intervals.
const unionMs = (intervals: Array<[number, number]>): number => {
  let total = 0;
  let [start, end] = [-Infinity, -Infinity];
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (from > end) {
      if (end > start) total += end - start;
      [start, end] = [from, to];
    } else end = Math.max(end, to);
  }
  return total + (end > start ? end - start : 0);
};

interface Merged {
  name: string;
  firstJoined: number;
  lastLeft: number | null;
  present: boolean;
  ms: number;
}

const mergeOne = (name: string, views: AttendeeView[], now: number): Merged => {
  const intervals: Array<[number, number]> = [];
  // Ended time older than the kept intervals cannot be lined up with the others: it is added as is.
  let unaligned = 0;
  for (const view of views) {
    let spanned = 0;
    for (const [from, to] of view.spans) {
      intervals.push([from, to]);
      spanned += to - from;
    }
    unaligned += Math.max(0, view.closedMs - spanned);
    if (view.openSince !== null) intervals.push([view.openSince, Math.max(view.openSince, now)]);
  }
  const leaves = views.map((view) => view.lastLeft).filter((at): at is number => at !== null);
  return {
    name,
    firstJoined: Math.min(...views.map((view) => view.firstJoined)),
    lastLeft: leaves.length ? Math.max(...leaves) : null,
    present: views.some((view) => view.openSince !== null),
    ms: unaligned + unionMs(intervals),
  };
};

/** The API's list at `now` from several sources, at most `max` names: ordered by first join (then name). */
export const mergeAttendees = (sources: readonly AttendeeView[][], now: number, max: number): Attendee[] => {
  const byName = new Map<string, AttendeeView[]>();
  for (const views of sources) {
    for (const view of views) {
      const list = byName.get(view.name);
      if (list) list.push(view);
      else byName.set(view.name, [view]);
    }
  }
  let merged = [...byName].map(([name, views]) => mergeOne(name, views, now));
  // Each source keeps at most `max`; together they may hold more: those present, then the longest present, stay.
  if (merged.length > max) merged = merged.sort((a, b) => Number(b.present) - Number(a.present) || b.ms - a.ms).slice(0, max);
  return merged
    .sort((a, b) => a.firstJoined - b.firstJoined || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((entry) => ({
      name: entry.name,
      firstJoined: new Date(entry.firstJoined).toISOString(),
      lastLeft: entry.lastLeft === null ? null : new Date(entry.lastLeft).toISOString(),
      present: entry.present,
      secondsPresent: Math.round(entry.ms / 1000),
    }));
};
