/**
 * A meeting's agenda and notes as they are on disk (durable before visible): from the loaded room
 * once nothing is pending, else rebuilt from storage. What the items route, carry-over and the
 * rolling log read, so none of them shows text that a crash could still take back.
 */
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import type { MeetingText } from '../../shared/meeting-parser.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import { Errors } from '../errors.js';
import type { MeetingService } from '../meetings/meeting-service.js';

/** Reads meetings' durable text. */
export type DurableTextReader = (meetingId: string) => Promise<MeetingText>;

/** A reader over the registry's rooms and the store (through the meeting service). */
export const durableTextReader =
  (registry: RoomRegistry, meetings: MeetingService): DurableTextReader =>
  async (id) => {
    const room = registry.loadedRoom(id);
    if (room) {
      // Wait until no write is pending, then read in that same tick (as the Markdown export does).
      await room.quiet();
      if (room.failed) throw new Errors.StorageUnavailable('the meeting cannot be saved right now');
      if (room.accepting) return { agenda: agendaOf(room.doc).toString(), notes: notesOf(room.doc).toString() };
      // Unloaded while we waited: everything it had is on disk.
    }
    const doc = await meetings.readDoc(id);
    try {
      return { agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() };
    } finally {
      doc.destroy();
    }
  };
