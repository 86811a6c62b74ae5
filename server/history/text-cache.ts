/**
 * The exported texts of revisions, shared by every meeting's history view and bounded by their
 * total size: past the budget, the least recently used text goes first. A revision's text never
 * changes, so a cached one is always right; without a bound, a view key holder could make the
 * server keep one copy of a large meeting per revision (review 2, F1).
 */

// What an entry costs besides its characters (map entries, key, object), roughly.
const ENTRY_OVERHEAD_BYTES = 128;

/** The memory a cached text takes, counted as UTF-16 (two bytes per code unit) plus the entry. */
export const textCost = (text: string): number => text.length * 2 + ENTRY_OVERHEAD_BYTES;

/** Revision texts of every meeting, at most `budgetBytes` (textCost) together. */
export class TextCache {
  readonly #budget: number;
  #bytes = 0;
  // Insertion order is use order: the first entry is the least recently used.
  readonly #entries = new Map<string, { meetingId: string; text: string }>();
  // Meeting id -> the keys of its entries (a meeting's texts are dropped with its view).
  readonly #keysOf = new Map<string, Set<string>>();

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  /** The bytes held now (textCost of every text). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The cached text of revision `seq`, or undefined (a hit makes it the most recently used). */
  get(meetingId: string, seq: number): string | undefined {
    const key = keyOf(meetingId, seq);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.text;
  }

  /** Caches a text (not one larger than the whole budget), dropping the least recently used past the budget. */
  set(meetingId: string, seq: number, text: string): void {
    this.delete(meetingId, seq);
    const cost = textCost(text);
    if (cost > this.#budget) return;
    const key = keyOf(meetingId, seq);
    this.#entries.set(key, { meetingId, text });
    let keys = this.#keysOf.get(meetingId);
    if (!keys) this.#keysOf.set(meetingId, (keys = new Set()));
    keys.add(key);
    this.#bytes += cost;
    for (const [oldest, { meetingId: owner }] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#remove(oldest, owner);
    }
  }

  /** Drops one revision's text (it was thinned). */
  delete(meetingId: string, seq: number): void {
    const key = keyOf(meetingId, seq);
    if (this.#entries.has(key)) this.#remove(key, meetingId);
  }

  /** Drops every text of a meeting. */
  dropMeeting(meetingId: string): void {
    for (const key of [...(this.#keysOf.get(meetingId) ?? [])]) this.#remove(key, meetingId);
  }

  /** Drops everything. */
  clear(): void {
    this.#entries.clear();
    this.#keysOf.clear();
    this.#bytes = 0;
  }

  #remove(key: string, meetingId: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= textCost(entry.text);
    const keys = this.#keysOf.get(meetingId);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysOf.delete(meetingId);
  }
}

const keyOf = (meetingId: string, seq: number): string => `${meetingId}!${seq}`;
