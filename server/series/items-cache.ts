/**
 * The parsed action items of recently read meetings, so the series page does not rebuild and parse
 * every meeting of a long series on each request. An entry says which text it was parsed from (a
 * digest, so the same text is never parsed twice) and, when it was read from storage, the record's
 * `updatedAt` it is valid for. Every change of a meeting on this instance (its room loading,
 * writing a durable entry, stopping) takes that validity away, also from a read still in flight;
 * another instance's changes move `updatedAt` (GUIDE 1.10). Bounded by the size of what it holds.
 */
import { createHash } from 'node:crypto';
import type { ActionItem, MeetingText } from '../../shared/meeting-parser.js';

interface Entry {
  digest: string;
  items: readonly ActionItem[];
  /** The record's updatedAt while storage holds exactly this text, or null (read from a room). */
  validFor: string | null;
  weight: number;
}

// About 32 MB of item text, plus a little per item.
const MAX_WEIGHT = 32 * 1024 * 1024;
const ITEM_WEIGHT = 100;

const weightOf = (items: readonly ActionItem[]): number => items.reduce((sum, item) => sum + item.text.length * 2 + ITEM_WEIGHT, ITEM_WEIGHT);

/** A digest of a meeting's text (the agenda's length first: the split point counts). */
export const digestOf = ({ agenda, notes }: MeetingText): string => createHash('sha256').update(`${agenda.length}:`).update(agenda).update(notes).digest('base64');

/** Items per meeting id, least recently used dropped first. */
export class ItemsCache {
  readonly #entries = new Map<string, Entry>();
  // Reads from storage in flight: a change meanwhile replaces (or drops) the token.
  readonly #reads = new Map<string, symbol>();
  readonly #maxWeight: number;
  #weight = 0;

  constructor(maxWeight = MAX_WEIGHT) {
    this.#maxWeight = maxWeight;
  }

  /** The items, if storage still holds the text they came from (the record says `updatedAt`). */
  current(id: string, updatedAt: string): readonly ActionItem[] | null {
    const entry = this.#entries.get(id);
    if (!entry || entry.validFor !== updatedAt) return null;
    this.#touch(id, entry);
    return entry.items;
  }

  /** The items parsed from the text with `digest`, if it is the one cached. */
  parsed(id: string, digest: string): readonly ActionItem[] | null {
    const entry = this.#entries.get(id);
    return entry?.digest === digest ? entry.items : null;
  }

  /** Marks the start of a read from storage; pass the token to `put`. */
  beginRead(id: string): symbol {
    const token = Symbol(id);
    this.#reads.set(id, token);
    return token;
  }

  /** Forgets a read that failed. */
  cancelRead(id: string, token: symbol): void {
    if (this.#reads.get(id) === token) this.#reads.delete(id);
  }

  /**
   * Keeps items parsed from a text. `readFrom`: the updatedAt and token of a read from storage
   * (valid only if nothing changed the meeting since it began); null for a text read from a room.
   */
  put(id: string, digest: string, items: readonly ActionItem[], readFrom: { updatedAt: string; token: symbol } | null): void {
    const unchanged = readFrom !== null && this.#reads.get(id) === readFrom.token;
    if (readFrom && unchanged) this.#reads.delete(id);
    this.#drop(id);
    const entry: Entry = { digest, items, validFor: unchanged ? readFrom.updatedAt : null, weight: weightOf(items) };
    if (entry.weight > this.#maxWeight) return;
    this.#entries.set(id, entry);
    this.#weight += entry.weight;
    for (const [oldest, old] of this.#entries) {
      if (this.#weight <= this.#maxWeight) break;
      this.#entries.delete(oldest);
      this.#weight -= old.weight;
    }
  }

  /** The meeting changed (or may have): its items must be read again before they are trusted. */
  invalidate(id: string): void {
    this.#reads.delete(id);
    const entry = this.#entries.get(id);
    if (entry) entry.validFor = null;
  }

  #touch(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  #drop(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#weight -= entry.weight;
  }
}
