/** Small statistics helpers for the benchmarks. */

/** The p-th percentile (0..100) of numbers, nearest-rank; NaN for none. */
export const percentile = (values: number[], p: number, sorted = false): number => {
  if (values.length === 0) return NaN;
  const s = sorted ? values : [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
};

/** The median (mean of the middle two for an even count). */
export const median = (values: number[]): number => {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** p50/p95/p99/max of latencies in milliseconds. */
export const latencySummary = (values: number[]): { p50: number; p95: number; p99: number; max: number; n: number } => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50, true), p95: percentile(s, 95, true), p99: percentile(s, 99, true), max: s.at(-1) ?? NaN, n: s.length };
};

/** Rounds for printing: 3 significant digits, integers kept whole. */
export const round = (value: number): number => {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
};

/** Milliseconds since `start` (performance.now() clock). */
export const since = (start: number): number => performance.now() - start;

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is truthy; throws after `timeoutMs`. */
export const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 2): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
};
