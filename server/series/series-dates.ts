/**
 * Calendar dates of a series: `YYYY-MM-DD` strings, days counted in UTC (a meeting's date is a day
 * on the calendar, not an instant), and the cadence arithmetic that gives the next meeting's date.
 * Dates are years 1970 to 9000: far from where `Date` and four-digit years end, so a series can
 * never be pushed to a date it cannot read back. Reads never throw on a stored date: a date
 * outside the range (written by an older version) has no next date and no calendar entry.
 */
import { Errors } from '../errors.js';
import type { Cadence } from './series-record.js';

/** The first and last years a series date may have. */
export const DATE_YEARS = { first: 1970, last: 9000 } as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const format = (year: number, month: number, day: number): string => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** Year, month (1-12) and day of a valid date in the range, or null (wrong form, impossible like 2025-02-30, or out of range). */
const partsOf = (date: string): { year: number; month: number; day: number } | null => {
  const match = DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < DATE_YEARS.first || year > DATE_YEARS.last) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
};

/** Whether `date` is a real calendar day written `YYYY-MM-DD`, in the years 1970 to 9000. */
export const isSeriesDate = (date: string): boolean => partsOf(date) !== null;

/** Throws BadDate unless `date` is a real calendar day written `YYYY-MM-DD` (years 1970-9000). */
export const checkDate = (date: string): string => {
  if (!partsOf(date)) throw new Errors.BadDate(`${JSON.stringify(date.slice(0, 40))} (years ${DATE_YEARS.first} to ${DATE_YEARS.last})`);
  return date;
};

/** The UTC calendar day of an instant. */
export const dayOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** Midnight UTC of a date (for calendar entries); null for a date that is not one. */
export const startOfDay = (date: string): Date | null => {
  const parts = partsOf(date);
  return parts ? new Date(Date.UTC(parts.year, parts.month - 1, parts.day)) : null;
};

// The date `days` after a valid date, or null when that leaves the range.
const addDays = (date: string, days: number): string | null => {
  const start = startOfDay(date);
  if (!start) return null;
  const next = new Date(start.getTime() + days * DAY_MS);
  const year = next.getUTCFullYear();
  return year < DATE_YEARS.first || year > DATE_YEARS.last ? null : format(year, next.getUTCMonth() + 1, next.getUTCDate());
};

/** The day after `date` (the end of its all-day calendar entry), or null. */
export const dayAfter = (date: string): string | null => addDays(date, 1);

/**
 * The same day of the following month, cut to that month's length (Jan 31 -> Feb 28). `anchorDay`
 * is the series' usual day: after a short month the date goes back to it (Feb 28 -> Mar 31) instead
 * of drifting to the 28th for good. Null when the date is not one or the next leaves the range.
 */
const addMonth = (date: string, anchorDay: number): string | null => {
  const parts = partsOf(date);
  if (!parts) return null;
  const { year, month, day } = parts;
  const [nextYear, nextMonth] = month === 12 ? [year + 1, 1] : [year, month + 1];
  if (nextYear > DATE_YEARS.last) return null;
  const wanted = day === daysInMonth(year, month) && anchorDay > day ? anchorDay : day;
  return format(nextYear, nextMonth, Math.min(wanted, daysInMonth(nextYear, nextMonth)));
};

/** The day of the month of a date (1 for one that is not a date). */
export const dayOfMonth = (date: string): number => partsOf(date)?.day ?? 1;

/** A series' next date: a date, none planned (cadence none), or none possible (out of the range). */
export type NextDate = { kind: 'date'; date: string } | { kind: 'none' } | { kind: 'out' };

/**
 * The date after `previous` for a cadence; `out` when `previous` is not a date in the range or the
 * next one would leave it.
 */
export const nextDateAfter = (previous: string, cadence: Cadence, anchorDay: number): NextDate => {
  if (cadence === 'none') return { kind: 'none' };
  const next = cadence === 'monthly' ? addMonth(previous, anchorDay) : addDays(previous, cadence === 'weekly' ? 7 : 14);
  return next === null ? { kind: 'out' } : { kind: 'date', date: next };
};
