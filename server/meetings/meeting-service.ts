/**
 * Creating, reading, exporting and deleting meetings, and keeping each record's title and
 * updatedAt in step with its document. Initial content is written once, by the server, when the
 * meeting is created (GUIDE 1.3): clients never seed text, so two clients cannot both insert it.
 */
import * as Y from 'yjs';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { META_KEYS, UNTITLED, agendaOf, metaOf, notesOf, titleOf } from '../../shared/doc-schema.js';
import { clampTitle, joinMarkdown, markdownOfDoc, splitMarkdown, titleFromMarkdown, type SplitMarkdown } from '../../shared/markdown.js';
import type { Clock } from '../clock.js';
import type { DurableChange } from '../collab/durable-changes.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import { Errors } from '../errors.js';
import { hashKey, newKey, newMeetingId } from '../security/keys.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore, RecordWrite } from '../storage/meeting-store.js';
import { rebuildDoc } from '../storage/stored-document.js';
import { KeyedLock } from '../series/keyed-lock.js';
import { openMeeting, type MeetingAccess } from './meeting-access.js';

/** The page a meeting created without Markdown starts with. */
export const templateFor = (title: string, date: string): { agenda: string; notes: string } => ({
  agenda: `# ${title}\n\n**Date:** ${date}\n\n## Agenda\n\n1. Check-in (everyone)\n2. \n\n`,
  notes: `# Notes\n\n## Check-in\n\n- \n\n## Decisions\n\n- \n\n## Action items\n\n- [ ] \n`,
});

const encodeMeetingDoc = (title: string, agenda: string, notes: string): Uint8Array => {
  const doc = new Y.Doc();
  doc.transact(() => {
    metaOf(doc).set(META_KEYS.title, title);
    agendaOf(doc).insert(0, agenda);
    notesOf(doc).insert(0, notes);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
};

/**
 * A feature's record writes that go with a meeting's creation or deletion, in the same atomic
 * batch (webhook events: the change and its outbox entries land together or not at all).
 */
export interface MeetingLifecycleWrites {
  /** For a meeting about to be created with `content`; `also` is what its creator stores with it. */
  created?(record: MeetingRecord, content: SplitMarkdown, also: readonly RecordWrite[]): Promise<LifecycleWrites>;
  /** For a meeting about to be deleted (its records are still there). */
  deleted?(record: MeetingRecord): Promise<LifecycleWrites>;
}

/** Writes for a meeting's batch, what to do once the batch is durable, and once it is over either way. */
export interface LifecycleWrites {
  writes: readonly RecordWrite[];
  committed?(): void;
  released?(): void;
}

const NO_WRITES: LifecycleWrites = { writes: [] };

// Every feature's writes, or none: one that failed releases the others'.
const allWrites = async (pending: ReadonlyArray<LifecycleWrites | Promise<LifecycleWrites>>): Promise<LifecycleWrites[]> => {
  const results = await Promise.allSettled(pending);
  const failed = results.find((result) => result.status === 'rejected');
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<LifecycleWrites>).value);
  for (const result of results) if (result.status === 'fulfilled') result.value.released?.();
  throw failed.reason;
};

// Runs the batch, then the features' follow-ups.
const committing = async (extra: readonly LifecycleWrites[], commit: (writes: RecordWrite[]) => Promise<void>): Promise<void> => {
  try {
    await commit(extra.flatMap((each) => each.writes));
    for (const each of extra) each.committed?.();
  } finally {
    for (const each of extra) each.released?.();
  }
};

/** Meeting operations shared by the HTTP routes and the command-line tools. */
export class MeetingService {
  readonly #store: MeetingStore;
  readonly #registry: RoomRegistry;
  readonly #clock: Clock;
  readonly #lifecycle: MeetingLifecycleWrites[] = [];
  readonly #deletions = new KeyedLock();

  constructor(store: MeetingStore, registry: RoomRegistry, clock: Clock) {
    this.#store = store;
    this.#registry = registry;
    this.#clock = clock;
    registry.onDurableChange(this.#recordChange);
  }

  /**
   * Creates a meeting from Markdown (split at the Notes heading), from ready `sections`, or from
   * the template. `also` gives record writes (for the new meeting) stored in the same atomic batch.
   */
  async create({
    title,
    markdown,
    sections: given,
    also,
  }: {
    title?: string | undefined;
    markdown?: string | undefined;
    sections?: SplitMarkdown;
    also?: (created: CreatedMeeting) => readonly RecordWrite[];
  }): Promise<CreatedMeeting> {
    const now = new Date(this.#clock.now());
    const page = markdown ?? (given ? joinMarkdown(given) : undefined);
    const chosenTitle = clampTitle(title ?? '') || (page !== undefined ? titleFromMarkdown(page) : UNTITLED);
    const sections = given ?? (markdown !== undefined ? splitMarkdown(markdown) : templateFor(chosenTitle, now.toISOString().slice(0, 10)));
    const created: CreatedMeeting = { id: newMeetingId(), title: chosenTitle, editKey: newKey(), viewKey: newKey(), createdAt: now.toISOString() };
    const record: MeetingRecord = {
      id: created.id,
      title: chosenTitle,
      createdAt: created.createdAt,
      updatedAt: created.createdAt,
      editKeyHash: hashKey(created.editKey),
      viewKeyHash: hashKey(created.viewKey),
    };
    const writes = also?.(created) ?? [];
    const extra = await allWrites(this.#lifecycle.map((hooks) => hooks.created?.(record, sections, writes) ?? NO_WRITES));
    await committing(extra, (more) => this.#store.createMeeting(record, encodeMeetingDoc(chosenTitle, sections.agenda, sections.notes), [...writes, ...more]));
    return created;
  }

  /** Adds a feature's writes to every creation and deletion of a meeting from now on. */
  addLifecycleWrites(hooks: MeetingLifecycleWrites): void {
    this.#lifecycle.push(hooks);
  }

  /** The meeting and the role `key` grants (coded errors otherwise: see openMeeting). */
  open(id: string, key: string | undefined): Promise<MeetingAccess> {
    return openMeeting(this.#store, id, key);
  }

  /** The meeting as one Markdown page: agenda then notes, only what is on disk. */
  async exportMarkdown(id: string): Promise<string> {
    return (await this.readDurable(id, markdownOfDoc)).value;
  }

  /**
   * `read` on the meeting's durable content (durable before visible): a loaded room's once no
   * write is pending, in that same tick (`room.readContent`, which leaves a lazy room lazy), else a
   * document rebuilt from storage (`fromStorage`). `read` must not keep the document it is given.
   */
  async readDurable<T>(id: string, read: (doc: Y.Doc) => T): Promise<{ value: T; fromStorage: boolean }> {
    const room = this.#registry.loadedRoom(id);
    if (room) {
      await room.quiet();
      if (room.failed) throw new Errors.StorageUnavailable('the meeting cannot be saved right now');
      if (room.accepting) return { value: room.readContent(read), fromStorage: false };
      // Unloaded while we waited: everything it had is on disk.
    }
    const doc = await this.readDoc(id);
    try {
      return { value: read(doc), fromStorage: true };
    } finally {
      doc.destroy();
    }
  }

  /**
   * A fresh Y.Doc rebuilt from storage alone (snapshot plus log, after pending writes settle);
   * throws MeetingDeleted if a deletion settled meanwhile.
   */
  async readDoc(id: string): Promise<Y.Doc> {
    await this.#store.settled();
    const stored = await this.#store.readDocument(id);
    if (!(await this.#store.getMeeting(id))) throw new Errors.MeetingDeleted();
    return rebuildDoc(stored);
  }

  /**
   * Deletes a meeting: open sockets get 4404, then everything stored is removed (a tombstone stays).
   * Deletions of one meeting run one at a time; one that finds it already gone throws MeetingDeleted
   * (410), so a meeting is deleted, and its meeting.deleted sent, once.
   */
  delete(record: MeetingRecord): Promise<void> {
    return this.#deletions.run(record.id, async () => {
      if (!(await this.#store.getMeeting(record.id))) throw new Errors.MeetingDeleted();
      const extra = await allWrites(this.#lifecycle.map((hooks) => hooks.deleted?.(record) ?? NO_WRITES));
      await committing(extra, (writes) => this.#registry.deleteMeeting(record, writes));
    });
  }

  // The record follows the document: its title (cut like a created one) and the time of the change.
  // Synchronous up to the submit, so the write is ordered before a deletion that follows.
  readonly #recordChange = ({ room, changedAt }: DurableChange): Promise<void> => {
    // No title in the document keeps the record's; a title cleared there is "Untitled meeting".
    const docTitle = titleOf(room.doc);
    const title = docTitle === null ? room.record.title : clampTitle(docTitle) || UNTITLED;
    const record = { ...room.record, title, updatedAt: new Date(changedAt).toISOString() };
    room.record = record;
    return this.#store.putMeeting(record);
  };
}
