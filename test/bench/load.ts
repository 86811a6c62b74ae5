/**
 * Meeting load for `fanout` and `capacity`: rooms of a few typists and many viewers. Each room
 * replays the clownschool pace (edits per active second, in trace order, from a random offset),
 * each edit by a random typist at its own cursor (inserts, and backspaces where the trace deletes);
 * typists send their cursor (awareness) with every edit, viewers move theirs every ~3 s. Every
 * update is keyed by its first Yjs id (client, clock), or by the first id it deletes, so each
 * delivery to another attendee gives one latency sample on this process's clock.
 */
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { YClient } from './client.js';
import type { Server } from './servers.js';
import { until } from './stats.js';
import { editsPerActiveSecond, loadTrace, type Patch } from './traces.js';

interface Pending {
  sentAt: number;
  sender: YClient;
  remaining: number;
}

interface Typist {
  client: YClient;
  doc: Y.Doc;
  cursor: Y.RelativePosition | null;
  next: number;
}

interface RoomLoad {
  typists: Typist[];
  viewers: Array<{ client: YClient; clientId: number }>;
  second: number;
}

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0'];

/** The key of an update: its first inserted id, or the smallest id it deletes. */
export const updateKey = (update: Uint8Array): string | null => {
  const meta = Y.parseUpdateMeta(update);
  for (const [client, from] of meta.from) if ((meta.to.get(client) ?? 0) > from) return `${client}:${from}`;
  const { ds } = Y.decodeUpdate(update);
  let best: [number, number] | null = null;
  for (const [client, items] of ds.clients) {
    for (const item of items) if (!best || client < best[0] || (client === best[0] && item.clock < best[1])) best = [client, item.clock];
  }
  return best ? `d${best[0]}:${best[1]}` : null;
};

/**
 * Every edit key an update may carry: a server may deliver several edits as one merged update, so a
 * received update is matched against each insertion clock and each deleted clock it covers.
 */
export const updateKeys = (update: Uint8Array): string[] => {
  const keys: string[] = [];
  const meta = Y.parseUpdateMeta(update);
  for (const [client, from] of meta.from) for (let clock = from; clock < (meta.to.get(client) ?? 0); clock++) keys.push(`${client}:${clock}`);
  const { ds } = Y.decodeUpdate(update);
  for (const [client, items] of ds.clients) for (const item of items) for (let clock = item.clock; clock < item.clock + item.len; clock++) keys.push(`d${client}:${clock}`);
  return keys;
};

/** A running meeting load against one server. */
export class Load {
  readonly rooms: RoomLoad[] = [];
  samples: number[] = [];
  readonly #pending = new Map<string, Pending>();
  readonly #keyCache = new Map<string, string[]>();
  readonly #server: Server;
  readonly #attendees: number;
  readonly #typists: number;
  readonly #pace = editsPerActiveSecond();
  readonly #patches: Patch[] = loadTrace('clownschool_flat').patches;
  #ticker: NodeJS.Timeout | null = null;
  #timers = new Set<NodeJS.Timeout>();
  edits = 0;
  deliveries = 0;

  // Seeded: every server of a round gets the same offsets, typists, timings and cursor moves
  // (with Math.random one server's window held 38k deliveries and the next one's 50k).
  readonly #random: () => number;

  constructor(server: Server, { attendees, typists, seed }: { attendees: number; typists: number; seed: number }) {
    this.#server = server;
    this.#attendees = attendees;
    this.#typists = typists;
    const generator = prng.create(seed);
    this.#random = () => prng.real53(generator);
  }

  /** Connections open. */
  get connections(): number {
    return this.rooms.length * this.#attendees;
  }

  /** Typists in all rooms. */
  get typing(): number {
    return this.rooms.length * this.#typists;
  }

  /** Creates `count` meetings and connects their attendees (10 rooms at a time); resolves when all are synced. */
  async addRooms(count: number): Promise<void> {
    for (let done = 0; done < count; ) {
      const batch = Math.min(10, count - done);
      // In the order they were asked for, whichever connected first (the draws of each tick go by this order).
      this.rooms.push(...(await Promise.all(Array.from({ length: batch }, () => this.#addRoom()))));
      done += batch;
    }
  }

  async #addRoom(): Promise<RoomLoad> {
    // Drawn before the first await, so the same rooms get the same draws whatever answers first.
    const second = Math.floor(this.#random() * this.#pace.length);
    const starts = Array.from({ length: this.#typists }, () => Math.floor(this.#random() * this.#patches.length));
    const viewerIds = Array.from({ length: this.#attendees - this.#typists }, () => (this.#random() * 0x7fffffff) >>> 0);
    const meeting = await this.#server.createMeeting();
    const url = this.#server.wsUrl(meeting);
    // A cluster spreads a meeting's attendees over its instances, as a round-robin balancer does.
    const urlOf = (i: number): string => this.#server.wsUrlFor?.(meeting, i) ?? url;
    const room: RoomLoad = { typists: [], viewers: [], second };
    const onUpdate = (receiver: () => YClient) => (update: Uint8Array, receivedAt: number, step2: boolean) => {
      if (!step2) this.#delivered(update, receivedAt, receiver());
    };
    const opened: Array<Promise<void>> = [];
    for (let i = 0; i < this.#attendees; i++) {
      if (i < this.#typists) {
        const doc = new Y.Doc();
        const typist: Typist = { client: null as unknown as YClient, doc, cursor: null, next: starts[i]! };
        // Registered before the client's own listener: the send time is taken before the frame goes out.
        doc.on('update', (update: Uint8Array, origin: unknown) => {
          if (origin !== typist.client) this.#sent(update, typist.client);
        });
        opened.push(YClient.open(urlOf(i), { doc, onUpdate: onUpdate(() => typist.client) }).then((client) => void (typist.client = client)));
        room.typists.push(typist);
      } else {
        const viewer = { client: null as unknown as YClient, clientId: viewerIds[i - this.#typists]! };
        opened.push(YClient.open(urlOf(i), { onUpdate: onUpdate(() => viewer.client) }).then((client) => void (viewer.client = client)));
        room.viewers.push(viewer);
      }
    }
    await Promise.all(opened);
    await until(() => [...room.typists, ...room.viewers].every((a) => a.client.synced), 'attendees to sync', 60_000, 5).catch((error: unknown) => {
      const stuck = [...room.typists, ...room.viewers].map((a, i) => ({ i, a })).filter(({ a }) => !a.client.synced);
      throw new Error(`${(error as Error).message}: attendees ${stuck.map(({ i, a }) => `${i}${a.client.closed ? ` closed ${a.client.closeCode}` : ' open'}`).join(', ')} of ${url}`);
    });
    for (const [i, viewer] of room.viewers.entries()) viewer.client.sendAwareness(viewer.clientId, viewerState(i, 0));
    return room;
  }

  /** Starts typing in every room (rooms added later join the schedule). */
  start(): void {
    if (this.#ticker) return;
    const tick = (): void => {
      for (const room of this.rooms) {
        const edits = this.#pace[room.second++ % this.#pace.length]!;
        for (let i = 0; i < edits; i++) {
          const typist = room.typists[Math.floor(this.#random() * room.typists.length)]!;
          this.#later(this.#random() * 1000, () => this.#edit(typist));
        }
        for (const [i, viewer] of room.viewers.entries()) {
          if (this.#random() >= 1 / 3) continue;
          const state = viewerState(i, this.#random());
          this.#later(this.#random() * 1000, () => viewer.client.sendAwareness(viewer.clientId, state));
        }
      }
    };
    tick();
    this.#ticker = setInterval(tick, 1000);
  }

  /** Stops typing (scheduled edits are cancelled). */
  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Latency samples since the last call (and resets them). */
  takeSamples(): number[] {
    const samples = this.samples;
    this.samples = [];
    return samples;
  }

  /**
   * Deliveries still missing for insertions sent before `before` (performance.now()). Deletions are
   * left out: a deletion of text another typist deleted first changes nothing, and a server that
   * broadcasts the document's change (meetpad) rather than the raw frame (the reference) then has
   * nothing to deliver. Insertions always carry new content, so every one must arrive.
   */
  missing(before = Infinity): number {
    let missing = 0;
    for (const [key, pending] of this.#pending) if (!key.startsWith('d') && pending.sentAt < before) missing += pending.remaining;
    return missing;
  }

  /** Deletion deliveries never seen (information only, see `missing`). */
  missingDeletions(before = Infinity): number {
    let missing = 0;
    for (const [key, pending] of this.#pending) if (key.startsWith('d') && pending.sentAt < before) missing += pending.remaining;
    return missing;
  }

  /** Forgets edits still pending (after counting them as missing). */
  clearPending(): void {
    this.#pending.clear();
  }

  /** Closes every connection. */
  close(): void {
    this.stop();
    for (const room of this.rooms) {
      for (const typist of room.typists) {
        typist.client.close();
        typist.doc.destroy();
      }
      for (const viewer of room.viewers) viewer.client.close();
    }
    this.rooms.length = 0;
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #edit(typist: Typist): void {
    const text = typist.doc.getText('notes');
    let index = typist.cursor ? (Y.createAbsolutePositionFromRelativePosition(typist.cursor, typist.doc)?.index ?? text.length) : text.length;
    const [, del, ins] = this.#patches[typist.next++ % this.#patches.length]!;
    if (!ins && del > 0 && index === 0) return;
    typist.doc.transact(() => {
      if (!ins && del > 0) {
        const n = Math.min(del, index);
        text.delete(index - n, n);
        index -= n;
      }
      if (ins) {
        text.insert(index, ins);
        index += ins.length;
      }
    });
    typist.cursor = Y.createRelativePositionFromTypeIndex(text, index);
    const position = Y.relativePositionToJSON(typist.cursor);
    typist.client.sendAwareness(typist.doc.clientID, {
      user: { name: `typist ${typist.doc.clientID % 1000}`, color: COLORS[typist.doc.clientID % COLORS.length] },
      cursor: { anchor: position, head: position },
    });
  }

  #sent(update: Uint8Array, sender: YClient): void {
    const key = updateKey(update);
    if (!key) return;
    this.edits++;
    this.#pending.set(key, { sentAt: performance.now(), sender, remaining: this.#attendees - 1 });
  }

  #delivered(update: Uint8Array, receivedAt: number, receiver: YClient): void {
    const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('latin1');
    let keys = this.#keyCache.get(bytes);
    if (keys === undefined) {
      keys = updateKeys(update);
      if (this.#keyCache.size > 5000) this.#keyCache.clear();
      this.#keyCache.set(bytes, keys);
    }
    for (const key of keys) {
      const pending = this.#pending.get(key);
      if (!pending || pending.sender === receiver) continue;
      this.samples.push(receivedAt - pending.sentAt);
      this.deliveries++;
      if (--pending.remaining <= 0) this.#pending.delete(key);
    }
  }

}

const viewerState = (i: number, draw: number) => ({
  user: { name: `viewer ${i}`, color: COLORS[i % COLORS.length] },
  cursor: { anchor: { tname: 'notes', item: null, assoc: 0 }, head: { tname: 'notes', item: null, assoc: draw < 0.5 ? 0 : -1 } },
});
