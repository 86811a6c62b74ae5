/**
 * A meeting's agenda and notes as they are on disk (durable before visible): from the loaded room
 * once nothing is pending, else rebuilt from storage. What the items route, carry-over and the
 * rolling log read, so none of them shows text that a crash could still take back. The action
 * items of a meeting are parsed once per text and kept (items-cache.ts): a meeting nobody changed
 * is not even read again.
 */
import { textOf } from '../../shared/doc-schema.js';
import { parseMeeting, toMeetingItems, type ActionItem, type MeetingText } from '../../shared/meeting-parser.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import { ItemsCache, digestOf } from './items-cache.js';

/** Reads meetings' durable text. */
export type DurableTextReader = (meetingId: string) => Promise<MeetingText>;

/**
 * A meeting's durable action items (shared: never change them). `fresh`: read the text even when
 * the cached items are believed current (carry-over writes what it reads into a new meeting).
 */
export type DurableItemsReader = (record: MeetingRecord, options?: { fresh?: boolean }) => Promise<readonly ActionItem[]>;

/** The text reader, with the cached items reader on it. */
export type DurableReader = DurableTextReader & { actionItems: DurableItemsReader };

/** A reader over the registry's rooms and the store (through the meeting service). */
export const durableTextReader = (registry: RoomRegistry, meetings: MeetingService): DurableReader => {
  const cache = new ItemsCache();
  registry.onRoom((room) => {
    cache.invalidate(room.id);
    const stop = room.onDurableEntry(() => cache.invalidate(room.id));
    return () => {
      stop();
      cache.invalidate(room.id);
    };
  });

  // The text, and whether it came from storage (not from a loaded room).
  const read = async (id: string): Promise<{ text: MeetingText; fromStorage: boolean }> => {
    const { value, fromStorage } = await meetings.readDurable(id, textOf);
    return { text: value, fromStorage };
  };

  const actionItems: DurableItemsReader = async ({ id, updatedAt }, { fresh = false } = {}) => {
    // Storage changes only through a room of this instance (which invalidates) or another
    // instance's (which moves updatedAt): with no room here, a current entry is what is on disk.
    const cached = !fresh && registry.stateOf(id) === 'unloaded' ? cache.current(id, updatedAt) : null;
    if (cached) return cached;
    const token = cache.beginRead(id);
    const { text, fromStorage } = await read(id).catch((error: unknown) => {
      cache.cancelRead(id, token);
      throw error;
    });
    const digest = digestOf(text);
    const items = cache.parsed(id, digest) ?? toMeetingItems(parseMeeting(text)).actionItems;
    cache.put(id, digest, items, fromStorage ? { updatedAt, token } : null);
    return items;
  };

  return Object.assign(async (id: string) => (await read(id)).text, { actionItems });
};
