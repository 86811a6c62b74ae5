/**
 * A validating scanner for Yjs v1 updates. It reads the encoding as Yjs 13.6 does (updates.js
 * `lazyStructReaderGenerator`, Item.js `readItemContent`, DeleteSet.js `readDeleteSet`, with
 * `UpdateDecoderV1`), with the same lib0 reads in the same order, so it throws exactly when Yjs's
 * decode throws and sees the same clocks and lengths; but it builds no Item, ID or content object:
 * each struct and each deletion range is reported to a visitor, through one reused record.
 *
 * Loading a stored meeting needs only the clocks and the deletions (`scanStoredState`); checking an
 * incoming update needs the same walk with parents and origins (`scanUpdate`).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { StoredState } from './update-check.js';

/** What kind of struct a scanned struct is. */
export const StructKind = { gc: 0, item: 1, skip: 2 } as const;
export type StructKind = (typeof StructKind)[keyof typeof StructKind];

/** An item's content kind: Yjs's content ref (`info & 0b11111`). */
export const ContentKind = { deleted: 1, json: 2, binary: 3, string: 4, embed: 5, format: 6, type: 7, any: 8, doc: 9 } as const;
export type ContentKind = (typeof ContentKind)[keyof typeof ContentKind];

/**
 * One struct as the scanner reports it. The visitor gets the same record for every struct, changed
 * in place: read it during the call, do not keep it. Ids that are absent have client -1 (a decoded
 * client id is never negative). Only `kind`, `client`, `clock` and `length` mean something for a
 * GC or a Skip.
 */
export interface ScannedStruct {
  kind: StructKind;
  client: number;
  clock: number;
  /** As Yjs counts it: UTF-16 units of a string, values of JSON and Any, 1 for other content. */
  length: number;
  /** The content kind of an item, 0 for a GC or a Skip. */
  content: ContentKind | 0;
  originClient: number;
  originClock: number;
  rightOriginClient: number;
  rightOriginClock: number;
  /**
   * The parent, when the item says it (it does only when it has neither origin; otherwise it has
   * its origin's parent): a root type's name, or a nested type's id.
   */
  parentName: string | null;
  parentClient: number;
  parentClock: number;
  /** The map key, for an item that says its parent and is a map entry. */
  parentSub: string | null;
  /** Where the content's encoding lies in the update (from, to), for a visitor that wants to read it. */
  contentStart: number;
  contentEnd: number;
}

/** Receives each struct, in encoding order, then each deletion range. */
export interface UpdateVisitor {
  struct(struct: Readonly<ScannedStruct>): void;
  deletion(client: number, clock: number, len: number): void;
}

const BITS5 = 0b11111;
const HAS_ORIGIN = 0b1000_0000;
const HAS_RIGHT_ORIGIN = 0b0100_0000;
const HAS_PARENT_SUB = 0b0010_0000;
const SKIP_INFO = 10;
// Yjs's typeRefs: YArray, YMap, YText, YXmlElement (reads its node name), YXmlFragment, YXmlHook
// (reads its hook name), YXmlText.
const TYPE_REF_COUNT = 7;
const XML_ELEMENT_REF = 3;
const XML_HOOK_REF = 5;

/**
 * The UTF-16 length of the next var-string, as lib0 decodes it (its TextDecoder is `fatal` with
 * `ignoreBOM`: ill-formed UTF-8 throws, a BOM is one unit), counted from the bytes instead of
 * decoded: measured (test/bench/update-scan-bench.ts's snapshots, warm) 0.31 ms instead of 0.69 ms
 * on the 20k-edit one, 1.0 ms instead of 1.6 ms on the 260k-edit one. The accepted sequences are the
 * WHATWG UTF-8 decoder's (no overlongs, surrogates or code points past U+10FFFF).
 */
const readStringLength = (decoder: decoding.Decoder): number => {
  const byteLength = decoding.readVarUint(decoder);
  const { arr } = decoder;
  const start = decoder.pos;
  const end = start + byteLength;
  if (end > arr.length) throw new Error('Unexpected end of array');
  let units = 0;
  let i = start;
  while (i < end) {
    // A run of ASCII first: one unit a byte.
    const runStart = i;
    while (i < end && arr[i]! < 0x80) i++;
    units += i - runStart;
    if (i === end) break;
    const lead = arr[i]!;
    // The first continuation byte's range depends on the lead byte; the others are 0x80..0xBF.
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) size = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      size = 3;
      if (lead === 0xe0) low = 0xa0;
      else if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      size = 4;
      if (lead === 0xf0) low = 0x90;
      else if (lead === 0xf4) high = 0x8f;
    } else throw new TypeError('invalid UTF-8 in a string');
    if (i + size > end) throw new TypeError('invalid UTF-8 in a string');
    const second = arr[i + 1]!;
    if (second < low || second > high) throw new TypeError('invalid UTF-8 in a string');
    for (let k = 2; k < size; k++) {
      const next = arr[i + k]!;
      if (next < 0x80 || next > 0xbf) throw new TypeError('invalid UTF-8 in a string');
    }
    units += size === 4 ? 2 : 1;
    i += size;
  }
  decoder.pos = end;
  return units;
};

// JSON.parse validates as Yjs's readJSON does; its value is not needed.
const readJSON = (decoder: decoding.Decoder): void => {
  JSON.parse(decoding.readVarString(decoder));
};

/** Thrown on a subdocument, which the scanner does not follow: the caller decodes with Yjs instead. */
export class SubdocumentNotScanned extends Error {
  constructor() {
    super('subdocuments are not scanned');
  }
}

/**
 * Reads an item's content as Yjs's `contentRefs[kind]` does and returns its length. Subdocuments
 * (ContentDoc) are not followed (SubdocumentNotScanned): a meeting never stores one, and Yjs builds
 * a Doc from options it decodes, whose failures this scanner would have to copy. Binary and type content
 * (never in a meeting either) are followed, being cheap to read exactly; a caller refuses them by kind.
 */
const readContentLength = (decoder: decoding.Decoder, kind: number): number => {
  switch (kind) {
    case ContentKind.deleted:
      return decoding.readVarUint(decoder);
    case ContentKind.json: {
      const count = decoding.readVarUint(decoder);
      for (let i = 0; i < count; i++) {
        const value = decoding.readVarString(decoder);
        if (value !== 'undefined') JSON.parse(value);
      }
      return count;
    }
    case ContentKind.binary:
      decoding.readVarUint8Array(decoder);
      return 1;
    case ContentKind.string:
      return readStringLength(decoder);
    case ContentKind.embed:
      readJSON(decoder);
      return 1;
    case ContentKind.format:
      decoding.readVarString(decoder);
      readJSON(decoder);
      return 1;
    case ContentKind.type: {
      const ref = decoding.readVarUint(decoder);
      if (ref >= TYPE_REF_COUNT) throw new Error(`unknown type ref ${ref}`);
      if (ref === XML_ELEMENT_REF || ref === XML_HOOK_REF) decoding.readVarString(decoder);
      return 1;
    }
    case ContentKind.any: {
      const count = decoding.readVarUint(decoder);
      for (let i = 0; i < count; i++) decoding.readAny(decoder);
      return count;
    }
    case ContentKind.doc:
      throw new SubdocumentNotScanned();
    default:
      throw new Error(`unknown content kind ${kind}`);
  }
};

const emptyStruct = (): ScannedStruct => ({
  kind: StructKind.gc,
  client: 0,
  clock: 0,
  length: 0,
  content: 0,
  originClient: -1,
  originClock: -1,
  rightOriginClient: -1,
  rightOriginClock: -1,
  parentName: null,
  parentClient: -1,
  parentClock: -1,
  parentSub: null,
  contentStart: 0,
  contentEnd: 0,
});

const clearItemFields = (struct: ScannedStruct): void => {
  struct.content = 0;
  struct.originClient = struct.originClock = struct.rightOriginClient = struct.rightOriginClock = -1;
  struct.parentClient = struct.parentClock = -1;
  struct.parentName = struct.parentSub = null;
  struct.contentStart = struct.contentEnd = 0;
};

// Reads one item's fields after its info byte, in Yjs's order: origin, right origin, parent, parent sub, content.
const readItem = (decoder: decoding.Decoder, info: number, struct: ScannedStruct): void => {
  const hasOrigin = (info & HAS_ORIGIN) !== 0;
  const hasRightOrigin = (info & HAS_RIGHT_ORIGIN) !== 0;
  struct.originClient = hasOrigin ? decoding.readVarUint(decoder) : -1;
  struct.originClock = hasOrigin ? decoding.readVarUint(decoder) : -1;
  struct.rightOriginClient = hasRightOrigin ? decoding.readVarUint(decoder) : -1;
  struct.rightOriginClock = hasRightOrigin ? decoding.readVarUint(decoder) : -1;
  struct.parentName = null;
  struct.parentClient = struct.parentClock = -1;
  struct.parentSub = null;
  if (!hasOrigin && !hasRightOrigin) {
    if (decoding.readVarUint(decoder) === 1) struct.parentName = decoding.readVarString(decoder);
    else {
      struct.parentClient = decoding.readVarUint(decoder);
      struct.parentClock = decoding.readVarUint(decoder);
    }
    if ((info & HAS_PARENT_SUB) !== 0) struct.parentSub = decoding.readVarString(decoder);
  }
  const kind = info & BITS5;
  struct.content = kind as ContentKind;
  struct.contentStart = decoder.pos;
  struct.length = readContentLength(decoder, kind);
  struct.contentEnd = decoder.pos;
};

/**
 * Walks a whole v1 update, reporting each struct and each deletion range to `visitor`. Throws on
 * anything Yjs would not decode, on a subdocument, and on bytes after the delete set.
 */
export const scanUpdate = (update: Uint8Array, visitor: UpdateVisitor): void => {
  const decoder = decoding.createDecoder(update);
  const struct = emptyStruct();
  const clientCount = decoding.readVarUint(decoder);
  for (let i = 0; i < clientCount; i++) {
    const structCount = decoding.readVarUint(decoder);
    const client = decoding.readVarUint(decoder);
    let clock = decoding.readVarUint(decoder);
    for (let j = 0; j < structCount; j++) {
      // Past the end this is undefined, as in Yjs: a GC whose length read then throws.
      const info = decoding.readUint8(decoder);
      struct.client = client;
      struct.clock = clock;
      if (info === SKIP_INFO) {
        struct.kind = StructKind.skip;
        struct.length = decoding.readVarUint(decoder);
        clearItemFields(struct);
      } else if ((info & BITS5) !== 0) {
        struct.kind = StructKind.item;
        readItem(decoder, info, struct);
      } else {
        struct.kind = StructKind.gc;
        struct.length = decoding.readVarUint(decoder);
        clearItemFields(struct);
      }
      visitor.struct(struct);
      clock += struct.length;
    }
  }
  const deleteClientCount = decoding.readVarUint(decoder);
  for (let i = 0; i < deleteClientCount; i++) {
    const client = decoding.readVarUint(decoder);
    const rangeCount = decoding.readVarUint(decoder);
    for (let j = 0; j < rangeCount; j++) {
      const clock = decoding.readVarUint(decoder);
      visitor.deletion(client, clock, decoding.readVarUint(decoder));
    }
  }
  if (decoder.pos !== update.byteLength) throw new Error(`${update.byteLength - decoder.pos} trailing bytes`);
};

type DeleteSet = StoredState['deletes'];
type DeleteItem = DeleteSet['clients'] extends Map<number, Array<infer T>> ? T : never;

// The ranges are Yjs's own DeleteItem, as Y.mergeDeleteSets returns them (same shape for code that
// mixes them with Yjs's). Yjs does not export the class: take it from a delete set it decoded.
const DeleteItemClass = Y.decodeUpdate(Uint8Array.of(0, 1, 0, 1, 0, 1)).ds.clients.get(0)![0]!.constructor as new (clock: number, len: number) => DeleteItem;

/** A deleted range as Yjs's own DeleteItem (for delete sets read elsewhere, server/collab/stored-summary.ts). */
export const deleteItem = (clock: number, len: number): DeleteItem => new DeleteItemClass(clock, len);

// Yjs's sortAndMergeDeleteSet, step for step (a stable sort, then overlapping or touching ranges
// joined), so the result is Y.mergeDeleteSets' to the last float.
const sortAndMerge = (deletes: DeleteSet): void => {
  for (const ranges of deletes.clients.values()) {
    ranges.sort((a, b) => a.clock - b.clock);
    let j = 1;
    for (let i = 1; i < ranges.length; i++) {
      const left = ranges[j - 1]!;
      const right = ranges[i]!;
      if (left.clock + left.len >= right.clock) {
        ranges[j - 1] = new DeleteItemClass(left.clock, Math.max(left.len, right.clock + right.len - left.clock));
      } else {
        if (j < i) ranges[j] = right;
        j++;
      }
    }
    ranges.length = j;
  }
};

/**
 * The stored state of `update`, as a complete Yjs decode gives it: the clock each
 * client reached when every client's structs run from clock 0 without a gap or a Skip, else
 * undefined; the deletions sorted and merged. Undefined too for an update holding a subdocument, so
 * the caller builds the document and Yjs decides (no meeting stores one, but an old or imported one
 * must still load as it did before the scanner). Throws on anything else `scanUpdate` refuses.
 */
export const scanStoredState = (update: Uint8Array): StoredState | undefined => {
  const clocks = new Map<number, number>();
  const deletes: DeleteSet = Y.createDeleteSet();
  let contiguous = true;
  // The client being read and the clock it reached, written to `clocks` when another client comes:
  // a Map lookup per struct would cost more than the rest of the scan.
  let client = -1;
  let reach = 0;
  try {
    scanUpdate(update, {
      struct(struct) {
        if (!contiguous) return;
        if (struct.client !== client) {
          if (client !== -1) clocks.set(client, reach);
          client = struct.client;
          reach = clocks.get(client) ?? 0;
        }
        if (struct.kind === StructKind.skip || struct.clock !== reach) contiguous = false;
        else reach = struct.clock + struct.length;
      },
      deletion(rangeClient, clock, len) {
        if (!contiguous) return;
        let ranges = deletes.clients.get(rangeClient);
        if (ranges === undefined) deletes.clients.set(rangeClient, (ranges = []));
        ranges.push(new DeleteItemClass(clock, len));
      },
    });
  } catch (error) {
    if (error instanceof SubdocumentNotScanned) return undefined;
    throw error;
  }
  if (!contiguous) return undefined;
  if (client !== -1) clocks.set(client, reach);
  sortAndMerge(deletes);
  return { clocks, deletes };
};
