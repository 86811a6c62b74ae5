/**
 * The readiness rule of the PostgreSQL store, in one place. A failed write (a group-commit batch
 * or a compaction) makes the store unhealthy until a write succeeds; a failed read (a load, a
 * repair, the heads of the catch-up, a list) until any operation succeeds. A read that succeeds
 * does not hide a failed write: PostgreSQL may answer reads and still refuse writes. Errors that
 * describe the request rather than the database (SQLSTATE class 22, a value PostgreSQL cannot
 * take) do not count: input must never turn an instance red.
 */

/** Whether a settled operation wrote or only read. */
export type OperationKind = 'write' | 'read';

// pg's SQLSTATE, on the error or on the cause a StorageError keeps.
const sqlState = (error: unknown): unknown => (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;

const countsAgainstHealth = (error: unknown): boolean => {
  const code = sqlState(error);
  return !(typeof code === 'string' && code.startsWith('22'));
};

/** The outcome of the store's latest operations. */
export class StoreHealth {
  #writeFailed = false;
  #readFailed = false;

  /** Whether the store serves reads and writes as far as its latest operations tell. */
  get healthy(): boolean {
    return !this.#writeFailed && !this.#readFailed;
  }

  /** Records the outcome of one operation (`error` undefined: it succeeded). */
  settled(kind: OperationKind, error?: unknown): void {
    if (error !== undefined) {
      if (!countsAgainstHealth(error)) return;
      if (kind === 'write') this.#writeFailed = true;
      else this.#readFailed = true;
      return;
    }
    this.#readFailed = false;
    if (kind === 'write') this.#writeFailed = false;
  }

  /** `work`, with its outcome recorded. */
  track<T>(kind: OperationKind, work: Promise<T>): Promise<T> {
    return work.then(
      (value) => {
        this.settled(kind);
        return value;
      },
      (error: unknown) => {
        this.settled(kind, error);
        throw error;
      },
    );
  }
}
