/**
 * The UpdateLog of one meeting on PostgreSQL, for the room of this process. Sequence numbers come
 * from the database (other instances append to the same meeting), so `head` is the highest number
 * this process knows of: what it loaded, and what its own appends were given.
 */
import type { RecordWrite, UpdateLog } from '../meeting-store.js';
import type { AppendOp } from './batch.js';
import type { StoredRows } from './reads.js';

/** What the log asks of its store. */
export interface LogBackend {
  /**
   * Appends (with `also` in the same transaction); `settled` runs in the same step that settles
   * the promise (with the number, or null).
   */
  append(op: AppendOp, settled: (seq: number | null) => void, also?: readonly RecordWrite[]): Promise<number>;
  compact(upTo: number): Promise<void>;
  close(): void;
}

/** Opens the log of meeting `id`, loaded as `rows`. */
export const openLog = (id: string, rows: StoredRows, backend: LogBackend): UpdateLog => {
  let head = rows.head;
  // Entries not folded yet, as far as this process knows: loaded rows, then its own appends.
  let unfolded = rows.seqs.slice();
  let inFlight = 0;
  let open = true;
  return {
    append: (update, also) => {
      inFlight++;
      // No extra step here: appends must settle in order with the store's other writes.
      return backend.append(
        { kind: 'append', meetingId: id, data: update },
        (seq) => {
          inFlight--;
          if (seq === null) return;
          head = Math.max(head, seq);
          unfolded.push(seq);
        },
        also,
      );
    },
    // The snapshot argument is not used: the rows are folded where they are stored (another
    // instance may hold entries this process's document has not seen yet).
    compact: async (_snapshot, upTo) => {
      await backend.compact(upTo);
      unfolded = unfolded.filter((seq) => seq > upTo);
    },
    get head() {
      return head;
    },
    get length() {
      return unfolded.length + inFlight;
    },
    close: () => {
      if (open) backend.close();
      open = false;
    },
  };
};
