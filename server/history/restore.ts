/**
 * Restoring a revision (GUIDE 1.9) as new edits: the current agenda and notes become the
 * revision's text through minimal character edits in one transaction of the server's own, written
 * like any attendee's update (durable, then sent to every peer), so everyone sees it live, offline
 * copies merge with it and concurrent typing converges. Nothing in the history is rewritten: the
 * state before is kept as a revision if it was not yet, and the restore ends with a revision of
 * kind `restore`. The inserted text is attributed to whoever wrote it in the revision.
 */
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import { SECTIONS, type SectionName } from '../../shared/doc-schema.js';
import { MeetingGoneError, RoomUnavailableError, type RoomRegistry } from '../collab/room-registry.js';
import type { Room } from '../collab/room.js';
import { Errors } from '../errors.js';
import { KeyedLock } from '../series/keyed-lock.js';
import type { HistoryReader, RevisionMeta } from './history-schemas.js';
import { authorsAt, editsBetween, textOfSpans } from './restore-edits.js';

/** A range of Yjs item ids and who wrote it. */
export interface AuthoredRange {
  client: number;
  clock: number;
  len: number;
  author: string | null;
}

/** What restoring needs of the authorship service: explicit ranges for the text it inserts. */
export interface AuthorshipWriter {
  /** Records the ranges with the room's next log entry (call in the turn of the edit). */
  attribute(room: Room, ranges: readonly AuthoredRange[]): void;
}

/** What restoring needs. */
export interface RestoreDeps {
  registry: RoomRegistry;
  history: HistoryReader;
  authorship?: AuthorshipWriter;
}

/** Restores revisions, one restore at a time per meeting. */
export class Restorer {
  readonly #deps: RestoreDeps;
  readonly #lock = new KeyedLock();

  constructor(deps: RestoreDeps) {
    this.#deps = deps;
  }

  /** Restores revision `seq` of a meeting; resolves with the restore's revision. Throws RevisionNotFound. */
  restore(meetingId: string, seq: number): Promise<RevisionMeta> {
    return this.#lock.run(meetingId, () => this.#restore(meetingId, seq));
  }

  async #restore(meetingId: string, seq: number): Promise<RevisionMeta> {
    const { registry, history } = this.#deps;
    const spans = await history.changes(meetingId, seq, seq);
    if (!spans) throw new Errors.RevisionNotFound(String(seq));
    const lease = registry.lease(meetingId);
    try {
      const room = await lease.room.catch(leaseError);
      // What the restore replaces stays in the history as a revision of its own (always asked for:
      // it queues behind the check a room makes when it loads, and keeps edits not cut yet, even
      // another instance's; an unchanged state writes nothing).
      await history.cut(meetingId, { kind: 'auto' });
      await settled(room);
      this.#apply(room, spans);
      await settled(room);
      return await history.cut(meetingId, { kind: 'restore', restoredFrom: seq });
    } finally {
      lease.release();
    }
  }

  // One transaction: diffs are taken and applied in the same turn, so no other update lands between.
  #apply(room: Room, spans: Record<SectionName, readonly ChangeSpan[]>): void {
    // Checked in the turn of the edit: a room that failed or closed since answers 503, not 500.
    if (room.deleted) throw new Errors.MeetingDeleted();
    if (!room.accepting) throw new Errors.StorageUnavailable('the meeting stopped accepting edits');
    const ranges: AuthoredRange[] = [];
    room.edit((doc) => {
      let clock = Y.getState(doc.store, doc.clientID);
      for (const section of SECTIONS) {
        const text = doc.getText(section);
        for (const edit of editsBetween(text.toString(), textOfSpans(spans[section]))) {
          if ('delete' in edit) {
            text.delete(edit.index, edit.delete);
            continue;
          }
          text.insert(edit.index, edit.insert);
          // Yjs gives an inserted string consecutive clocks of this client, one per UTF-16 unit.
          for (const run of authorsAt(spans[section], edit.from, edit.insert.length)) {
            ranges.push({ client: doc.clientID, clock, len: run.len, author: run.author });
            clock += run.len;
          }
        }
      }
    });
    // Same turn as the edit: the ranges go into the batch of its log entry.
    if (ranges.length) this.#deps.authorship?.attribute(room, ranges);
  }
}

// Waits until what the room holds is on disk; a room that failed or was deleted meanwhile refuses.
const settled = async (room: Room): Promise<void> => {
  await room.quiet();
  if (room.deleted) throw new Errors.MeetingDeleted();
  if (!room.accepting) throw new Errors.StorageUnavailable('the meeting stopped accepting edits');
};

/** The coded error of a lease that was refused (410 being deleted, 503 after a storage failure). */
export const leaseError = (error: unknown): never => {
  if (error instanceof MeetingGoneError) throw new Errors.MeetingDeleted();
  if (error instanceof RoomUnavailableError) throw new Errors.StorageUnavailable(error.message);
  throw error;
};
