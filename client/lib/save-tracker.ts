/** Decides "saving…" versus "all changes saved" from local edits and the current socket's acks. */
import type { SocketCounters } from './counting-socket.js';

/** What the save indicator shows. */
export type SaveState = 'unknown' | 'unsaved' | 'saving' | 'saved';

/** Tracks whether every local edit is durable on the server. */
export class SaveTracker {
  /** Local edits the server may not have yet (made offline, or loaded from the browser cache). */
  private pendingLocal = false;
  private everSaved = false;
  private socket: (WebSocket & SocketCounters) | null = null;

  /** A local (not from the server) change happened. */
  localChange(): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN || !this.socket.sentStep2) this.pendingLocal = true;
  }

  /** The provider's current socket changed or reported progress. */
  socketEvent(socket: WebSocket & SocketCounters): void {
    if (this.socket !== socket) this.noteUnacked();
    this.socket = socket;
  }

  /** The current state, clearing pending local edits once a synced socket has them all acked. */
  state(): SaveState {
    const socket = this.socket;
    const open = socket !== null && socket.readyState === WebSocket.OPEN;
    if (!open) this.noteUnacked();
    if (open && socket.sentStep2 && socket.acked >= socket.sent) {
      this.pendingLocal = false;
      this.everSaved = true;
      return 'saved';
    }
    if (open && (socket.sent > socket.acked || this.pendingLocal)) return 'saving';
    if (this.pendingLocal) return 'unsaved';
    return this.everSaved ? 'saved' : 'unknown';
  }

  // Writes a socket sent that the server never acknowledged before it closed (a 4503: the write
  // failed) are not saved: they stay pending until a later socket's sync has them all acked.
  private noteUnacked(): void {
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.OPEN && socket.acked < socket.sent) this.pendingLocal = true;
  }
}
