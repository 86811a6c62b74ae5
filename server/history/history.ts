/**
 * History of meetings (GUIDE 1.9, issue 12): revisions cut automatically per loaded room, on
 * demand (named) and around restores; browsing them through replays. The one object the routes,
 * restore and webhooks use.
 */
import type { FastifyBaseLogger } from 'fastify';
import type * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import type { AuthorMap } from '../../shared/author-map.js';
import type { Clock } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { Room } from '../collab/room.js';
import { Errors } from '../errors.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MeetingStore } from '../storage/meeting-store.js';
import { HistoryViews } from './history-view.js';
import { RevisionLog, type CutRequest, type CutResult, type CutSource } from './revision-log.js';
import { leaseError } from './restore.js';
import { RoomRecorder } from './revision-recorder.js';
import { headSnapshotOf, metaOf, REVISION_HEADS, type RevisionHead, type RevisionKind, type RevisionMeta } from './revision-records.js';

export type { RevisionMeta } from './revision-records.js';
/** Who wrote what, per meeting (server/history/authorship*.ts). */
export interface AuthorshipSource {
  mapOf(meetingId: string): Promise<AuthorMap>;
}

/** What History needs. */
export interface HistoryDeps {
  store: MeetingStore;
  registry: RoomRegistry;
  meetings: MeetingService;
  clock: Clock;
  log: FastifyBaseLogger;
  authorship: AuthorshipSource;
}

/** A revision was cut (or renamed by naming an unchanged state). */
export type CutListener = (meetingId: string, revision: RevisionMeta) => void;

/** Revisions of every meeting. */
export class History {
  readonly #deps: HistoryDeps;
  readonly #revisions: RevisionLog;
  readonly #views: HistoryViews;
  readonly #recorders = new Map<Room, RoomRecorder>();
  readonly #listeners: CutListener[] = [];
  readonly #running = new Set<Promise<unknown>>();

  constructor(deps: HistoryDeps) {
    this.#deps = deps;
    this.#revisions = new RevisionLog(deps.store, deps.clock, (id) => deps.authorship.mapOf(id));
    this.#views = new HistoryViews(deps.clock, (id) => this.#revisions.records(id));
    deps.registry.onRoom((room) => this.#startRoom(room));
  }

  /** Revisions of a meeting, newest first. */
  async list(meetingId: string): Promise<RevisionMeta[]> {
    return (await this.#revisions.list(meetingId)).reverse();
  }

  /** One revision, or undefined. */
  get(meetingId: string, seq: number): Promise<RevisionMeta | undefined> {
    return this.#revisions.get(meetingId, seq);
  }

  /** The Markdown export of a revision, byte for byte as it was; undefined for an unknown revision. */
  async exportOf(meetingId: string, seq: number): Promise<string | undefined> {
    if (!(await this.#revisions.get(meetingId, seq))) return undefined;
    return this.#views.exportOf(meetingId, seq);
  }

  /** The spans from revision `from` to revision `to` per section; undefined if either is unknown. */
  async changes(meetingId: string, from: number, to: number): Promise<{ agenda: ChangeSpan[]; notes: ChangeSpan[] } | undefined> {
    const [a, b] = await Promise.all([this.#revisions.get(meetingId, from), this.#revisions.get(meetingId, to)]);
    if (!a || !b) return undefined;
    const authors = await this.#deps.authorship.mapOf(meetingId);
    return this.#views.changes(meetingId, from, to, authors);
  }

  /**
   * Cuts a revision of the current state: from the loaded room (once what it holds is durable),
   * else from storage. An unchanged state gives the last revision (`auto`), renames the last
   * revision if it is automatic (`named`), or is a new revision with an empty change.
   */
  async cut(meetingId: string, what: { kind: RevisionKind; name?: string; restoredFrom?: number }): Promise<RevisionMeta> {
    const room = this.#deps.registry.loadedRoom(meetingId);
    return metaOf(await this.#cutOrGone(room ? this.#cutRoom(room, what) : this.#cutStored(meetingId, what)));
  }

  async #cutOrGone(cutting: Promise<CutResult | undefined>): Promise<CutResult['record']> {
    const result = await this.#track(cutting);
    if (!result) throw new Errors.MeetingDeleted();
    return result.record;
  }

  /**
   * Cuts under a lease on the meeting's room (named revisions from the API): a meeting being
   * deleted refuses the lease (410), and the cut is taken from the room, whose deletion it sees.
   */
  async cutLeased(meetingId: string, what: { kind: RevisionKind; name?: string }): Promise<RevisionMeta> {
    const lease = this.#deps.registry.lease(meetingId);
    try {
      const room = await lease.room.catch(leaseError);
      return metaOf(await this.#cutOrGone(this.#cutRoom(room, what)));
    } finally {
      lease.release();
    }
  }

  /** True while the loaded room has edits that are in no revision yet. */
  isDirty(meetingId: string): boolean {
    const room = this.#deps.registry.loadedRoom(meetingId);
    return room ? (this.#recorders.get(room)?.dirty ?? false) : false;
  }

  /** Calls `listener` after each revision written (after it is durable), in cut order. */
  onCut(listener: CutListener): void {
    this.#listeners.push(listener);
  }

  /** Resolves once no cut (or check of a loaded room) is in flight, however many start meanwhile. */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  /** Waits for cuts in flight and drops the replays (after the registry closed every room). */
  async close(): Promise<void> {
    await this.idle();
    await this.#views.close();
  }

  // A loaded room: its recorder, and a first check (the meeting's first revision, or what a crash
  // left out of the history).
  #startRoom(room: Room): () => Promise<void> {
    const recorder = new RoomRecorder(room, {
      clock: this.#deps.clock,
      log: this.#deps.log,
      cut: async (cutRoom) => void (await this.#track(this.#cutRoom(cutRoom, { kind: 'auto' }))),
    });
    this.#recorders.set(room, recorder);
    this.#track(this.#checkLoaded(room)).catch((error: unknown) => this.#deps.log.warn({ err: error, meetingId: room.id }, 'checking the history of a loaded meeting failed'));
    return async () => {
      await recorder.stop();
      this.#recorders.delete(room);
    };
  }

  // The check at load is an automatic cut, which keeps the last revision when nothing changed.
  // A room still served from its stored update answers that from the encoding: cutting would
  // build its document only to find the head already holds everything.
  async #checkLoaded(room: Room): Promise<void> {
    if (!room.hasDoc) {
      const head = await this.#deps.store.collection<RevisionHead>(REVISION_HEADS).get(room.id);
      if (head && room.storedWithin(headSnapshotOf(head)) && (await this.#revisions.get(room.id, head.lastSeq))) return;
    }
    await this.#cutRoom(room, { kind: 'auto' });
  }

  #cutRoom(room: Room, request: CutRequest): Promise<CutResult | undefined> {
    const recorder = this.#recorders.get(room);
    const source: CutSource = {
      open: async () => {
        await room.quiet();
        if (room.failed) throw new Errors.StorageUnavailable('the meeting cannot be saved right now');
        return room.doc;
      },
      take: () => recorder?.take() ?? [],
      giveBack: (names) => recorder?.giveBack(names),
      usable: () => !room.failed && !room.deleted && !this.#deps.registry.isDeleting(room.id),
    };
    return this.#revisions.cut(room.id, request, source, (result) => this.#written(room.id, result));
  }

  #cutStored(meetingId: string, request: CutRequest): Promise<CutResult | undefined> {
    let doc: Y.Doc | undefined;
    const source: CutSource = {
      open: async () => (doc = await this.#deps.meetings.readDoc(meetingId)),
      take: () => [],
      giveBack: () => {},
      exists: async () => (await this.#deps.store.getMeeting(meetingId)) !== undefined,
      usable: () => !this.#deps.registry.isDeleting(meetingId),
      close: () => doc?.destroy(),
    };
    return this.#revisions.cut(meetingId, request, source, (result) => this.#written(meetingId, result));
  }

  #written(meetingId: string, { record, thinned }: CutResult): void {
    this.#views.noteCut(meetingId, record, thinned);
    const meta = metaOf(record);
    for (const listener of this.#listeners) {
      try {
        listener(meetingId, meta);
      } catch (error) {
        this.#deps.log.warn({ err: error, meetingId }, 'a revision listener failed');
      }
    }
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work)).catch(() => {});
    return work;
  }
}
