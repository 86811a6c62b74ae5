/**
 * When revisions are cut and how they age. Fixed here rather than in the configuration: they are
 * part of what users see of history (README "History"), not an operator's tuning knob.
 */

/** Cut this long after the last durable edit (a pause in typing). */
export const REVISION_PAUSE_MS = 2 * 60_000;
/** Cut at the latest this long after the first edit since the last cut (continuous editing). */
export const REVISION_MAX_MS = 10 * 60_000;

/** Automatic revisions older than this are kept at most one per clock hour (UTC). */
export const THIN_HOURLY_AFTER_MS = 24 * 3_600_000;
/** Automatic revisions older than this are kept at most one per day (UTC). */
export const THIN_DAILY_AFTER_MS = 30 * 86_400_000;
/** The bucket sizes of the two thinning rules. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A history view (replayed revisions in memory) is dropped after this long unused. */
export const VIEW_IDLE_MS = 60_000;
/** At most this many meetings' history views are kept in memory. */
export const MAX_VIEWS = 4;
/**
 * The history views together hold at most about this much (bytes of the pieces replayed plus their
 * snapshots); the least recently used go first. One view alone may hold more while it is in use.
 */
export const VIEWS_BUDGET_BYTES = 64 * 1024 * 1024;
/** Exported revision texts cached across every view, at most this many bytes (UTF-16) together. */
export const TEXT_CACHE_BYTES = 16 * 1024 * 1024;

/** At most this many named revisions per meeting (they are never thinned); naming more is 409 too_many_revisions. */
export const MAX_KEPT_REVISIONS = 1_000;
