/**
 * Who wrote what: for ranges of Yjs item ids `(client, clock, len)`, the display name of the
 * connection that sent them (null: unknown, such as the initial content). Pure and shared: the
 * server builds it from its records, the browser from `GET /api/meetings/:id/authorship`, and both
 * split text items with `segments`. The first writer of a clock wins: `add` never re-attributes.
 */

/** The wire shape: `ranges` is flat quadruples `client, clock, len, index into names`. */
export interface AuthorMapData {
  names: Array<string | null>;
  ranges: number[];
}

/** One piece of a range: `len` clocks written by `author` (null where unknown). */
export interface AuthorSegment {
  len: number;
  author: string | null;
}

/** One client's runs, sorted by clock, never overlapping; adjacent runs have different names. */
interface Runs {
  starts: number[];
  ends: number[];
  names: number[];
}

// Clocks and clients are unsigned integers in Yjs (53 bits fit); anything else is not an id.
const isClockish = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

// Index of the first run whose end lies after `clock` (runs.ends is sorted): the run holding
// `clock` or, if none does, the first one after it.
const firstEndingAfter = (runs: Runs, clock: number): number => {
  let [low, high] = [0, runs.ends.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (runs.ends[mid]! > clock) high = mid;
    else low = mid + 1;
  }
  return low;
};

/** Authorship of item ids, per client as sorted runs (lookups by binary search). */
export class AuthorMap {
  readonly #clients = new Map<number, Runs>();
  readonly #names: Array<string | null> = [];
  readonly #nameIndex = new Map<string | null, number>();

  /** Builds the map from the wire shape; malformed quadruples are skipped, earlier ones win overlaps. */
  constructor(data?: AuthorMapData) {
    if (!data || !Array.isArray(data.names) || !Array.isArray(data.ranges)) return;
    const { names, ranges } = data;
    for (let i = 0; i + 3 < ranges.length; i += 4) {
      const index = ranges[i + 3];
      if (!isClockish(index) || index >= names.length) continue;
      const name = names[index];
      if (name !== null && typeof name !== 'string') continue;
      this.add(ranges[i]!, ranges[i + 1]!, ranges[i + 2]!, name);
    }
  }

  /** Number of runs kept (adjacent clocks of one author are one run). */
  get size(): number {
    let size = 0;
    for (const runs of this.#clients.values()) size += runs.starts.length;
    return size;
  }

  /** The author of one item id, or null when unknown. */
  authorAt(client: number, clock: number): string | null {
    const runs = this.#clients.get(client);
    if (!runs) return null;
    const i = firstEndingAfter(runs, clock);
    return i < runs.starts.length && runs.starts[i]! <= clock ? this.#names[runs.names[i]!]! : null;
  }

  /**
   * The authors of `len` clocks of `client` from `clock`: consecutive segments covering exactly
   * `len` (none when `len` is 0), null where unknown, neighbours with the same author merged.
   */
  segments(client: number, clock: number, len: number): AuthorSegment[] {
    const out: AuthorSegment[] = [];
    const push = (length: number, author: string | null): void => {
      const last = out[out.length - 1];
      if (last && last.author === author) last.len += length;
      else out.push({ len: length, author });
    };
    if (!(len > 0)) return out;
    const runs = this.#clients.get(client);
    if (!runs) return [{ len, author: null }];
    const end = clock + len;
    let i = firstEndingAfter(runs, clock);
    for (let pos = clock; pos < end; ) {
      if (i < runs.starts.length && runs.starts[i]! <= pos) {
        const until = Math.min(end, runs.ends[i]!);
        push(until - pos, this.#names[runs.names[i]!]!);
        pos = until;
        i++;
      } else {
        const until = i < runs.starts.length ? Math.min(end, runs.starts[i]!) : end;
        push(until - pos, null);
        pos = until;
      }
    }
    return out;
  }

  /** Attributes `len` clocks of `client` from `clock` to `name`, except clocks already attributed. */
  add(client: number, clock: number, len: number, name: string | null): void {
    if (!isClockish(client) || !isClockish(clock) || !isClockish(len) || len === 0 || !Number.isSafeInteger(clock + len)) return;
    let runs = this.#clients.get(client);
    if (!runs) this.#clients.set(client, (runs = { starts: [], ends: [], names: [] }));
    const index = this.#indexOf(name);
    const end = clock + len;
    let i = firstEndingAfter(runs, clock);
    // Fill each gap between the runs already there; `i` is always the first run ending after `pos`.
    for (let pos = clock; pos < end; ) {
      if (i < runs.starts.length && runs.starts[i]! <= pos) {
        pos = runs.ends[i]!;
        i++;
      } else {
        const until = i < runs.starts.length ? Math.min(end, runs.starts[i]!) : end;
        i = insertRun(runs, i, pos, until, index);
      }
    }
  }

  /** Adds every run of `other` (where this map knows nothing yet). */
  addAll(other: AuthorMap): void {
    other.forEach((client, clock, len, author) => this.add(client, clock, len, author));
  }

  /** A copy that changes independently. */
  clone(): AuthorMap {
    const copy = new AuthorMap();
    copy.addAll(this);
    return copy;
  }

  /** Calls `fn` for each run, per client in increasing clock order. */
  forEach(fn: (client: number, clock: number, len: number, author: string | null) => void): void {
    for (const [client, runs] of this.#clients) {
      for (let i = 0; i < runs.starts.length; i++) fn(client, runs.starts[i]!, runs.ends[i]! - runs.starts[i]!, this.#names[runs.names[i]!]!);
    }
  }

  /** The wire shape: clients in increasing order, only the names still in use. */
  toJSON(): AuthorMapData {
    const names: Array<string | null> = [];
    const used = new Map<string | null, number>();
    const ranges: number[] = [];
    for (const client of [...this.#clients.keys()].sort((a, b) => a - b)) {
      const runs = this.#clients.get(client)!;
      for (let i = 0; i < runs.starts.length; i++) {
        const name = this.#names[runs.names[i]!]!;
        let index = used.get(name);
        if (index === undefined) used.set(name, (index = names.push(name) - 1));
        ranges.push(client, runs.starts[i]!, runs.ends[i]! - runs.starts[i]!, index);
      }
    }
    return { names, ranges };
  }

  #indexOf(name: string | null): number {
    let index = this.#nameIndex.get(name);
    if (index === undefined) this.#nameIndex.set(name, (index = this.#names.push(name) - 1));
    return index;
  }
}

// Puts [start, end) with name `index` before run `i` (the gap there is free), merging with a
// neighbour of the same name; returns the index of the run that now holds it.
const insertRun = (runs: Runs, i: number, start: number, end: number, index: number): number => {
  const left = i > 0 && runs.ends[i - 1] === start && runs.names[i - 1] === index;
  const right = i < runs.starts.length && runs.starts[i] === end && runs.names[i] === index;
  if (left && right) {
    runs.ends[i - 1] = runs.ends[i]!;
    runs.starts.splice(i, 1);
    runs.ends.splice(i, 1);
    runs.names.splice(i, 1);
    return i - 1;
  }
  if (left) {
    runs.ends[i - 1] = end;
    return i - 1;
  }
  if (right) {
    runs.starts[i] = start;
    return i;
  }
  runs.starts.splice(i, 0, start);
  runs.ends.splice(i, 0, end);
  runs.names.splice(i, 0, index);
  return i;
};
