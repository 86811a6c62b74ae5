/** The meeting's offline copy in IndexedDB, and whether it holds edits the server never acknowledged. */
import type * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { markdownOfDoc } from '../../shared/markdown.js';
import { UnsavedMarker } from './unsaved-marker.js';

/** The IndexedDB copy of one meeting document (y-indexeddb) with its "unsaved edits" marker. */
export class LocalCopy {
  private persistence: IndexeddbPersistence | null;
  private readonly marker: UnsavedMarker;

  constructor(meetingId: string, private readonly doc: Y.Doc) {
    this.marker = new UnsavedMarker(meetingId);
    this.persistence = new IndexeddbPersistence(`meetpad:${meetingId}`, doc);
  }

  /** True when edits made in this browser may never have reached the server. */
  get unsaved(): boolean {
    return this.marker.isSet();
  }

  /** A document update that did not come from the server: an edit, unless it only loaded this copy. */
  localUpdate(origin: unknown): void {
    if (!(origin instanceof IndexeddbPersistence)) this.marker.mark();
  }

  /**
   * The server acknowledged everything the document holds. True when that included edits it did
   * not have, i.e. it can save. Ignored until the copy is loaded: before, the document lacks some.
   */
  acknowledged(): boolean {
    if (!this.persistence?.synced || !this.marker.pending) return false;
    this.marker.saved();
    return true;
  }

  /** The meeting as Markdown from this copy: agenda then notes, as the server exports it. */
  async markdown(): Promise<string> {
    if (this.persistence && !this.persistence.synced) await this.persistence.whenSynced;
    return markdownOfDoc(this.doc);
  }

  /** Deletes the copy from this browser. */
  async discard(): Promise<void> {
    this.marker.clear();
    const persistence = this.persistence;
    this.persistence = null;
    await persistence?.clearData();
  }

  /** Stops writing the copy (it stays in IndexedDB). */
  close(): void {
    void this.persistence?.destroy();
    this.persistence = null;
  }
}
