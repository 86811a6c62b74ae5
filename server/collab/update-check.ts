/**
 * Validate before apply (GUIDE 2.3). `Y.applyUpdate` integrates structs before it reads the delete
 * set, so a frame with a bad tail would be half applied; here every update is decoded completely,
 * checked against the meeting schema and against what the document already holds, and only then
 * handed to Yjs.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { DOC_FIELDS } from '../../shared/doc-schema.js';

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** What a room that has not built its document knows of the stored state. */
export interface StoredState {
  /** The clock each client reached. */
  clocks: ReadonlyMap<number, number>;
  /** The deletions, sorted and merged per client. */
  deletes: DeleteSet;
}

/**
 * What an update is checked against: the document, or (for a room that has not built its
 * document yet) the stored state. Every check below reads only clocks, except the deletion
 * checks of `isNoOp` and `repeatsOnly`.
 */
export type KnownState = Y.Doc | StoredState;

const clockIn = (state: KnownState, client: number): number => (state instanceof Y.Doc ? Y.getState(state.store, client) : (state.clocks.get(client) ?? 0));

// Sorted and merged per client (createDeleteSetFromStructStore builds it so; a stored state is merged at load).
const deletionsOf = (state: KnownState): DeleteSet => (state instanceof Y.Doc ? Y.createDeleteSetFromStructStore(state.store) : state.deletes);

/** Why an update was refused. */
export type UpdateProblem = 'malformed' | 'schema' | 'missing-dependencies' | 'absurd-clock';

/** The outcome of checking one update. */
export type UpdateCheck =
  | { ok: true; decoded: DecodedUpdate }
  | { ok: false; problem: UpdateProblem; detail: string; needs?: Dependency };

/** A missing dependency: the document must hold client `client` up to (not including) `clock`. */
export interface Dependency {
  client: number;
  clock: number;
}

/** True once `state` holds what a missing dependency asked for (cheap: one state lookup). */
export const dependencyMet = (state: KnownState, { client, clock }: Dependency): boolean => clockIn(state, client) >= clock;

/** A fully decoded update. */
export interface DecodedUpdate {
  structs: Array<Y.Item | Y.GC | Y.Skip>;
  ds: DeleteSet;
  /** Per client: the clock the document would reach with this update applied. */
  reach: Map<number, number>;
}

// Yjs client ids are 32-bit; clocks past 2^32 operations do not happen in a meeting.
const MAX_CLIENT_ID = 0xffff_ffff;
const MAX_CLOCK = 2 ** 32;
const ROOT_NAMES: ReadonlySet<string> = new Set(Object.values(DOC_FIELDS));
const ALLOWED_CONTENT: ReadonlySet<unknown> = new Set([
  Y.ContentString,
  Y.ContentDeleted,
  Y.ContentAny,
  Y.ContentFormat,
  Y.ContentEmbed,
  Y.ContentJSON,
]);

// Yjs takes the decoder class as a parameter; this subclass records, per update, the decoder that
// read it, so the caller can see where decoding stopped. Declared once: V8 keeps it optimised.
const decoderOf = new WeakMap<Uint8Array, { pos: number }>();
class PositionRecordingDecoder extends Y.UpdateDecoderV1 {
  constructor(inner: ConstructorParameters<typeof Y.UpdateDecoderV1>[0]) {
    super(inner);
    decoderOf.set(inner.arr, this.restDecoder);
  }
}

/** Decodes a v1 update completely, refusing trailing bytes. Throws on anything undecodable. */
export const decodeCompletely = (update: Uint8Array): { structs: DecodedUpdate['structs']; ds: DeleteSet } => {
  try {
    const { structs, ds } = Y.decodeUpdateV2(update, PositionRecordingDecoder);
    const consumed = decoderOf.get(update)?.pos ?? 0;
    if (consumed !== update.byteLength) throw new Error(`${update.byteLength - consumed} trailing bytes`);
    return { structs: structs as DecodedUpdate['structs'], ds };
  } finally {
    decoderOf.delete(update);
  }
};

const fail = (problem: UpdateProblem, detail: string, needs?: Dependency): UpdateCheck => (needs ? { ok: false, problem, detail, needs } : { ok: false, problem, detail });

const schemaProblem = (struct: Y.Item): string | null => {
  if (!ALLOWED_CONTENT.has(struct.content.constructor)) return `content type ${struct.content.constructor.name} is not allowed`;
  const parent = struct.parent as unknown;
  if (parent !== null && (typeof parent !== 'string' || !ROOT_NAMES.has(parent))) return 'unknown or nested parent type';
  if (struct.parentSub !== null && struct.parentSub.length > 256) return 'map key too long';
  return null;
};

const refersToKnown = (id: Y.ID | null, stateOf: (client: number) => number): boolean => id === null || id.clock < stateOf(id.client);

// An item can only have been inserted next to content that existed before it: a reference to its own
// client at the same or a later clock is malformed (Yjs would throw half-way through applying it).
const refersBackInTime = (id: Y.ID | null, self: Y.ID): boolean => id === null || id.client !== self.client || id.clock < self.clock;

/**
 * Checks an update against the state it would be applied to: complete decode, schema, clock
 * sanity and dependencies (every struct continues what the document has, every reference and
 * deletion points at content that exists).
 */
export const checkUpdate = (update: Uint8Array, state: KnownState): UpdateCheck => {
  let decoded: ReturnType<typeof decodeCompletely>;
  try {
    decoded = decodeCompletely(update);
  } catch (error) {
    return fail('malformed', (error as Error).message);
  }
  const reach = new Map<number, number>();
  const stateOf = (client: number): number => reach.get(client) ?? clockIn(state, client);
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (client > MAX_CLIENT_ID || clock + struct.length > MAX_CLOCK) return fail('absurd-clock', `client ${client} clock ${clock}+${struct.length}`);
    if (struct instanceof Y.Skip) continue;
    const known = stateOf(client);
    if (clock > known) return fail('missing-dependencies', `client ${client} jumps from ${known} to ${clock}`, { client, clock });
    reach.set(client, Math.max(known, clock + struct.length));
    if (struct instanceof Y.Item) {
      const problem = schemaProblem(struct);
      if (problem) return fail('schema', problem);
    }
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (!refersBackInTime(struct.origin, struct.id) || !refersBackInTime(struct.rightOrigin, struct.id)) {
      return fail('malformed', 'an insertion refers to its own or later content');
    }
    for (const ref of [struct.origin, struct.rightOrigin]) {
      if (!refersToKnown(ref, stateOf)) return fail('missing-dependencies', 'an insertion refers to unknown content', { client: ref!.client, clock: ref!.clock + 1 });
    }
  }
  for (const [client, deletions] of decoded.ds.clients) {
    for (const { clock, len } of deletions) {
      if (client > MAX_CLIENT_ID || clock + len > MAX_CLOCK) return fail('absurd-clock', `deletion ${client}:${clock}+${len}`);
      if (clock + len > stateOf(client)) return fail('missing-dependencies', 'a deletion refers to unknown content', { client, clock: clock + len });
    }
  }
  return { ok: true, decoded: { ...decoded, reach } };
};

/** True when the update carries content the state does not have yet (cheap: clocks only). */
export const addsContent = ({ structs }: Pick<DecodedUpdate, 'structs'>, state: KnownState): boolean =>
  structs.some((struct) => !(struct instanceof Y.Skip) && struct.id.clock + struct.length > clockIn(state, struct.id.client));

/**
 * True when `update` neither adds content to `state` nor deletes anything it has not deleted:
 * applying it changes nothing (the stock client's sync step 2 when it has nothing new: `[0, 0]`
 * from a newcomer, its whole delete set from a reconnecting client). Throws if it does not decode.
 */
export const repeatsOnly = (update: Uint8Array, state: KnownState): boolean => {
  if (update.byteLength === 2 && update[0] === 0 && update[1] === 0) return true;
  const { structs, ds } = Y.decodeUpdate(update);
  return !addsContent({ structs: structs as DecodedUpdate['structs'] }, state) && deletesKnown(ds, state);
};

/**
 * True when applying a checked update would not change the document (all content and deletions
 * known). Against a document this costs a pass over its deletions: used for view-only peers, not
 * on the edit path.
 */
export const isNoOp = (decoded: DecodedUpdate, state: KnownState): boolean => !addsContent(decoded, state) && deletesKnown(decoded.ds, state);

const deletesKnown = (ds: DeleteSet, state: KnownState): boolean => ds.clients.size === 0 || deletesWithin(ds, deletionsOf(state));

// `known` is sorted and merged per client.
const deletesWithin = (ds: DeleteSet, known: DeleteSet): boolean => {
  for (const [client, deletions] of ds.clients) {
    const ranges = known.clients.get(client) ?? [];
    for (const { clock, len } of deletions) {
      if (len > 0 && !coveredBy(ranges, clock, len)) return false;
    }
  }
  return true;
};

// `ranges` is sorted by clock and merged, as createDeleteSetFromStructStore builds it.
const coveredBy = (ranges: ReadonlyArray<{ clock: number; len: number }>, clock: number, len: number): boolean => {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid]!;
    if (range.clock + range.len <= clock) low = mid + 1;
    else if (range.clock > clock) high = mid - 1;
    else return clock + len <= range.clock + range.len;
  }
  return false;
};

/**
 * `Y.snapshotContainsUpdate` of the stored update, from its clocks and deletions: every struct is
 * below the snapshot's state vector and every deletion is in the snapshot's delete set. The
 * stored state is already decoded, so this costs a walk over clients and deletions, not a
 * second decode of the whole update (20 to 40 ms of a restarted meeting's load otherwise).
 */
export const stateWithinSnapshot = (state: StoredState, snapshot: Y.Snapshot): boolean => {
  for (const [client, clock] of state.clocks) if ((snapshot.sv.get(client) ?? 0) < clock) return false;
  return state.deletes.clients.size === 0 || deletesWithin(state.deletes, Y.mergeDeleteSets([snapshot.ds]));
};

/** True when a peer with state vector `peer` has every struct of `state` (it may still lack deletions). */
export const holdsAllContent = (peer: ReadonlyMap<number, number>, state: StoredState): boolean => {
  for (const [client, clock] of state.clocks) if ((peer.get(client) ?? 0) < clock) return false;
  return true;
};

/**
 * The update that carries `deletes` and no struct: what a peer holding all the content lacks at
 * most. Written as Yjs writes a delete set (its writeDeleteSet is not exported): clients in
 * descending order, each with its ranges.
 */
export const encodeDeletesOnly = (deletes: DeleteSet): Uint8Array => {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 0);
  encoding.writeVarUint(encoder.restEncoder, deletes.clients.size);
  for (const [client, ranges] of [...deletes.clients].sort((a, b) => b[0] - a[0])) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
};
