/**
 * Presence across instances, for one room. The states of this instance's clients go out over the
 * bus as they change (coalesced per event-loop turn) and are never stored; states from another
 * instance come in owned by a stand-in peer of that instance, so the ownership rule still holds: a
 * local connection may not touch them (peer-connection.ts ignores its entries for them), and an
 * instance may not touch this instance's clients' states. When an instance leaves or goes silent
 * past the TTL, its clients' states are removed here, at once.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { readAwarenessEntries, writeAwarenessEntries } from '../../shared/awareness-wire.js';
import type { Peer, Room } from '../collab/room.js';

/** The origin of removals made here (expiry of an instance): not relayed. */
const EXPIRED = Symbol('expired');

/** The stand-in owner of another instance's clients' states in this room. */
class RemotePeer implements Peer {
  constructor(readonly remoteInstance: string) {}
  send(): void {}
  close(): void {}
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** Relays one room's presence. */
export class PresenceRelay {
  readonly #room: Room;
  readonly #publish: (payload: Uint8Array) => void;
  readonly #remotes = new Map<string, RemotePeer>();
  // This instance's clients whose states were announced (a removal of one is announced too).
  readonly #announced = new Set<number>();
  readonly #pending = new Set<number>();
  #stopped = false;

  constructor(room: Room, publish: (payload: Uint8Array) => void) {
    this.#room = room;
    this.#publish = publish;
    room.awareness.on('update', this.#onUpdate);
  }

  /** Announces every state of this instance's clients (another instance asked). */
  announceAll(): void {
    for (const id of this.#localIds()) this.#queue(id);
  }

  /** Applies states announced by `instance`, except for ids a local connection owns. */
  receive(instance: string, payload: Uint8Array): void {
    if (this.#stopped) return;
    const { awarenessOwners } = this.#room;
    const remote = this.#remoteFor(instance);
    const entries = readAwarenessEntries(payload).filter(({ clientId, json }) => {
      const owner = awarenessOwners.get(clientId);
      // A removal of a state this room never held would only leave an entry in awareness.meta
      // that nothing forgets (awareness-meta.ts forgets departures).
      if (json === 'null' && !this.#room.awareness.states.has(clientId)) return false;
      // A state may move between instances (its client reconnected elsewhere), never onto a local one's.
      return owner === undefined || owner instanceof RemotePeer;
    });
    if (entries.length === 0) return;
    for (const { clientId, json } of entries) if (json !== 'null') awarenessOwners.set(clientId, remote);
    awarenessProtocol.applyAwarenessUpdate(this.#room.awareness, writeAwarenessEntries(entries), remote);
    for (const { clientId } of entries) {
      if (!this.#room.awareness.states.has(clientId) && awarenessOwners.get(clientId) === remote) awarenessOwners.delete(clientId);
    }
  }

  /** Removes every state `instance` announced (it left, or its heartbeat stopped). */
  expire(instance: string): void {
    const remote = this.#remotes.get(instance);
    if (!remote) return;
    this.#remotes.delete(instance);
    const ids: number[] = [];
    for (const [clientId, owner] of this.#room.awarenessOwners) if (owner === remote) ids.push(clientId);
    for (const clientId of ids) this.#room.awarenessOwners.delete(clientId);
    if (ids.length) awarenessProtocol.removeAwarenessStates(this.#room.awareness, ids, EXPIRED);
  }

  /**
   * Stops relaying. The removals still queued go out first: a room that fails or unloads closes
   * its sockets a moment before it stops, and this instance goes on heartbeating, so no TTL would
   * ever clear those states elsewhere.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#flush();
    this.#stopped = true;
    this.#room.awareness.off('update', this.#onUpdate);
  }

  #remoteFor(instance: string): RemotePeer {
    let remote = this.#remotes.get(instance);
    if (!remote) this.#remotes.set(instance, (remote = new RemotePeer(instance)));
    return remote;
  }

  *#localIds(): Generator<number> {
    for (const [clientId, owner] of this.#room.awarenessOwners) if (!(owner instanceof RemotePeer)) yield clientId;
  }

  readonly #onUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    if (this.#stopped) return;
    for (const clientId of removed) {
      // Whatever removed another instance's state (the 30 s awareness timeout), it is no longer theirs.
      const owner = this.#room.awarenessOwners.get(clientId);
      if (owner instanceof RemotePeer) this.#room.awarenessOwners.delete(clientId);
    }
    if (origin instanceof RemotePeer || origin === EXPIRED) return;
    for (const clientId of [...added, ...updated]) {
      const owner = this.#room.awarenessOwners.get(clientId);
      if (owner && !(owner instanceof RemotePeer)) {
        this.#announced.add(clientId);
        this.#queue(clientId);
      }
    }
    for (const clientId of removed) if (this.#announced.delete(clientId)) this.#queue(clientId);
  };

  #queue(clientId: number): void {
    const first = this.#pending.size === 0;
    this.#pending.add(clientId);
    if (first) setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    const ids = [...this.#pending].filter((id) => this.#room.awareness.meta.has(id));
    this.#pending.clear();
    if (this.#stopped || ids.length === 0) return;
    this.#publish(awarenessProtocol.encodeAwarenessUpdate(this.#room.awareness, ids));
  };
}
