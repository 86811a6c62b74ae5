/** "My meetings": the meetings this browser created or opened, kept in localStorage. */

const STORAGE_KEY = 'meetpad:meetings';
const MAX_ENTRIES = 200;

/** One remembered meeting. */
export interface MyMeeting {
  id: string;
  title: string;
  editKey?: string;
  viewKey?: string;
  /** A key whose role is not known yet (opened while offline). */
  key?: string;
  /** Last time this browser opened or created it (ms since epoch). */
  openedAt: number;
}

/** All remembered meetings, most recently opened first. */
export const listMyMeetings = (): MyMeeting[] => {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return (value as MyMeeting[])
      .filter((m) => m && typeof m.id === 'string' && typeof m.title === 'string')
      .sort((a, b) => b.openedAt - a.openedAt);
  } catch {
    return [];
  }
};

const store = (meetings: MyMeeting[]): void => {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(meetings.slice(0, MAX_ENTRIES)));
};

/** Adds or updates a meeting (fields given win; keys already known are kept). */
export const rememberMeeting = (entry: Partial<MyMeeting> & { id: string }): MyMeeting => {
  const meetings = listMyMeetings();
  const old = meetings.find((m) => m.id === entry.id);
  const merged: MyMeeting = { title: 'Untitled meeting', ...old, ...stripUndefined(entry), id: entry.id, openedAt: entry.openedAt ?? Date.now() };
  if (merged.key && (merged.key === merged.editKey || merged.key === merged.viewKey)) delete merged.key;
  store([merged, ...meetings.filter((m) => m.id !== entry.id)].sort((a, b) => b.openedAt - a.openedAt));
  return merged;
};

/** Removes a meeting from the list (the meeting itself stays on the server). */
export const forgetMeeting = (id: string): void => store(listMyMeetings().filter((m) => m.id !== id));

/** The remembered entry of a meeting, if any. */
export const findMyMeeting = (id: string): MyMeeting | undefined => listMyMeetings().find((m) => m.id === id);

/** The best key to open a remembered meeting with. */
export const bestKey = (meeting: MyMeeting): string | undefined => meeting.editKey ?? meeting.key ?? meeting.viewKey;

const stripUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
