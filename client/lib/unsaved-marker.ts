/**
 * Remembers, across reloads, that this browser holds edits of a meeting that the server never
 * acknowledged. The offline copy alone cannot tell (everything loaded from IndexedDB looks local),
 * and it decides whether a deleted meeting's copy may be discarded without asking.
 */

const keyOf = (meetingId: string): string => `meetpad:unsaved:${meetingId}`;

/** The "unacknowledged edits" flag of one meeting, kept in localStorage. */
export class UnsavedMarker {
  private readonly key: string;
  /** This page's document holds the flagged edits (it made them, or loaded them with the copy). */
  private covers: boolean;

  constructor(meetingId: string, private readonly storage: Storage = localStorage) {
    this.key = keyOf(meetingId);
    this.covers = this.isSet();
  }

  /** True when some edits may never have reached the server. */
  isSet(): boolean {
    return this.storage.getItem(this.key) !== null;
  }

  /** True when this page holds edits that the server has not acknowledged yet. */
  get pending(): boolean {
    return this.covers && this.isSet();
  }

  /** A person edited: set before the edit can be lost, i.e. before anything is sent or stored. */
  mark(): void {
    this.covers = true;
    if (!this.isSet()) this.storage.setItem(this.key, String(Date.now()));
  }

  /**
   * The server acknowledged everything this page has. Another tab's edits reach this page by
   * BroadcastChannel but are sent by that tab, so a page clears only what it covers.
   */
  saved(): void {
    if (!this.covers) return;
    this.covers = false;
    this.storage.removeItem(this.key);
  }

  /** The local copy is discarded: nothing is left to save. */
  clear(): void {
    this.covers = false;
    this.storage.removeItem(this.key);
  }
}
