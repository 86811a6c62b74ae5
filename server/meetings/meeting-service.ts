/**
 * Creating, reading and exporting meetings. Initial content is written once, by the server, when
 * the meeting is created (GUIDE 1.3): clients never seed text, so two clients cannot both insert it.
 */
import * as Y from 'yjs';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { META_KEYS, UNTITLED, agendaOf, metaOf, notesOf } from '../../shared/doc-schema.js';
import { clampTitle, joinMarkdown, splitMarkdown, titleFromMarkdown } from '../../shared/markdown.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import { Errors } from '../http/errors.js';
import { hashKey, newKey, newMeetingId } from '../security/keys.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/store.js';


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

/** Meeting operations shared by the HTTP routes and the command-line tools. */
export class MeetingService {
  readonly #store: MeetingStore;
  readonly #registry: RoomRegistry;

  constructor(store: MeetingStore, registry: RoomRegistry) {
    this.#store = store;
    this.#registry = registry;
  }

  /** Creates a meeting from Markdown (split at the Notes heading) or from the template. */
  async create({ title, markdown }: { title?: string | undefined; markdown?: string | undefined }): Promise<CreatedMeeting> {
    const now = new Date();
    const chosenTitle = clampTitle(title ?? '') || (markdown !== undefined ? titleFromMarkdown(markdown) : UNTITLED);
    const sections = markdown !== undefined ? splitMarkdown(markdown) : templateFor(chosenTitle, now.toISOString().slice(0, 10));
    const created: CreatedMeeting = { id: newMeetingId(), title: chosenTitle, editKey: newKey(), viewKey: newKey(), createdAt: now.toISOString() };
    const record: MeetingRecord = {
      id: created.id,
      title: chosenTitle,
      createdAt: created.createdAt,
      updatedAt: created.createdAt,
      editKeyHash: hashKey(created.editKey),
      viewKeyHash: hashKey(created.viewKey),
    };
    await this.#store.createMeeting(record, encodeMeetingDoc(chosenTitle, sections.agenda, sections.notes));
    return created;
  }

  /** The meeting's record, or undefined. */
  get(id: string): Promise<MeetingRecord | undefined> {
    return this.#store.getMeeting(id);
  }

  /** The meeting as one Markdown page: agenda then notes, only what is on disk. */
  async exportMarkdown(id: string): Promise<string> {
    const loaded = this.#registry.peek(id);
    const room = loaded ? await loaded.catch(() => null) : null;
    if (room) {
      // Durable before visible: wait until no write is pending, then read in that same tick.
      for (let pending = room.durable(); ; pending = room.durable()) {
        await pending;
        if (pending === room.durable()) break;
      }
      if (!room.accepting) throw new Errors.Unavailable('the meeting cannot be saved right now');
      return joinMarkdown({ agenda: agendaOf(room.doc).toString(), notes: notesOf(room.doc).toString() });
    }
    const doc = await this.loadDoc(id);
    try {
      return joinMarkdown({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() });
    } finally {
      doc.destroy();
    }
  }

  /** A fresh Y.Doc rebuilt from storage alone (snapshot plus log). */
  async loadDoc(id: string): Promise<Y.Doc> {
    const stored = await this.#store.loadDocument(id);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    return doc;
  }

  /** Deletes a meeting: open sockets get 4404, then everything stored is removed. */
  delete(record: MeetingRecord): Promise<void> {
    return this.#registry.deleteMeeting(record);
  }
}
