/**
 * Calendar dates of a series: `YYYY-MM-DD` strings, days counted in UTC (a meeting's date is a day
 * on the calendar, not an instant), and the cadence arithmetic that gives the next meeting's date.
 */
import { Errors } from '../errors.js';
import type { Cadence } from './series-record.js';

const DATE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const format = (year: number, month: number, day: number): string => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** Year, month (1-12) and day of a valid date, or null (wrong form or impossible, like 2025-02-30). */
const partsOf = (date: string): { year: number; month: number; day: number } | null => {
  const match = DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
};

/** Throws BadDate unless `date` is a real calendar day written `YYYY-MM-DD` (years 1000-9999). */
export const checkDate = (date: string): string => {
  if (!partsOf(date)) throw new Errors.BadDate(JSON.stringify(date.slice(0, 40)));
  return date;
};

/** The UTC calendar day of an instant. */
export const dayOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** Midnight UTC of a date (for calendar entries). */
export const startOfDay = (date: string): Date => {
  const parts = partsOf(date);
  if (!parts) throw new Errors.BadDate(JSON.stringify(date.slice(0, 40)));
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
};

/** `date` plus `days` days. */
export const addDays = (date: string, days: number): string => dayOf(startOfDay(date).getTime() + days * DAY_MS);

/**
 * The same day of the following month, cut to that month's length (Jan 31 -> Feb 28). `anchorDay`
 * is the series' usual day: after a short month the date goes back to it (Feb 28 -> Mar 31) instead
 * of drifting to the 28th for good.
 */
export const addMonth = (date: string, anchorDay: number): string => {
  const { year, month, day } = partsOf(date)!;
  const [nextYear, nextMonth] = month === 12 ? [year + 1, 1] : [year, month + 1];
  const wanted = day === daysInMonth(year, month) && anchorDay > day ? anchorDay : day;
  return format(nextYear, nextMonth, Math.min(wanted, daysInMonth(nextYear, nextMonth)));
};

/** The day of the month of a date. */
export const dayOfMonth = (date: string): number => partsOf(date)?.day ?? 1;

/** The date after `previous` for a cadence; null for `none` (no planned date). */
export const nextDateAfter = (previous: string, cadence: Cadence, anchorDay: number): string | null => {
  switch (cadence) {
    case 'weekly':
      return addDays(previous, 7);
    case 'biweekly':
      return addDays(previous, 14);
    case 'monthly':
      return addMonth(previous, anchorDay);
    case 'none':
      return null;
  }
};
