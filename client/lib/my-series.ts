/**
 * "My series": the series this browser created or opened, with their keys and the meetings known
 * to belong to them, kept in localStorage beside "My meetings". A series key opens every meeting
 * of its series, so a meeting link without a key can be opened with it.
 */

const STORAGE_KEY = 'meetpad:series';
const MAX_ENTRIES = 100;
const MAX_MEETINGS = 500;

/** One remembered series. */
export interface MySeries {
  id: string;
  title: string;
  editKey?: string;
  viewKey?: string;
  /** Meetings seen in this series, oldest first. */
  meetingIds: string[];
  /** Last time this browser opened or created it (ms since epoch). */
  openedAt: number;
}

/** All remembered series, most recently opened first. */
export const listMySeries = (): MySeries[] => {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return (value as MySeries[])
      .filter((s) => s && typeof s.id === 'string' && typeof s.title === 'string')
      .map((s) => ({ ...s, meetingIds: Array.isArray(s.meetingIds) ? s.meetingIds.filter((m) => typeof m === 'string') : [] }))
      .sort((a, b) => b.openedAt - a.openedAt);
  } catch {
    return [];
  }
};

const store = (series: MySeries[]): void => {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(series.slice(0, MAX_ENTRIES)));
};

/** Adds or updates a series: given fields win, keys already known are kept, meeting ids are added. */
export const rememberSeries = (entry: Partial<Omit<MySeries, 'meetingIds'>> & { id: string; meetingIds?: readonly string[] }): MySeries => {
  const all = listMySeries();
  const old = all.find((s) => s.id === entry.id);
  const meetingIds = [...new Set([...(old?.meetingIds ?? []), ...(entry.meetingIds ?? [])])].slice(-MAX_MEETINGS);
  const given = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as Partial<MySeries>;
  const merged: MySeries = { title: 'Untitled series', ...old, ...given, id: entry.id, meetingIds, openedAt: entry.openedAt ?? Date.now() };
  store([merged, ...all.filter((s) => s.id !== entry.id)]);
  return merged;
};

/** Removes a series from the list. */
export const forgetSeries = (id: string): void => store(listMySeries().filter((s) => s.id !== id));

/** The remembered entry of a series, if any. */
export const findMySeries = (id: string): MySeries | undefined => listMySeries().find((s) => s.id === id);

/** The best key to open a remembered series with. */
export const bestSeriesKey = (series: MySeries): string | undefined => series.editKey ?? series.viewKey;

/** A remembered series key that opens the meeting `meetingId` (its series' edit key first). */
export const seriesKeyForMeeting = (meetingId: string): string | undefined => {
  for (const series of listMySeries()) {
    if (series.meetingIds.includes(meetingId)) {
      const key = bestSeriesKey(series);
      if (key) return key;
    }
  }
  return undefined;
};
