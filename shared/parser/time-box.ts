/**
 * Time boxes and planned durations (GUIDE 1.6): `10 min`, `10m`, `1h`, `1.5 hours`, `15'`
 * (`[15']` is the same inside brackets), and the `Duration: …` line of an agenda.
 */

const NUMBER = String.raw`\d{1,4}(?:[.,]\d{1,2})?`;
const HOURS = 'hours|hour|hrs|hr|h';
const MINUTES = "minutes|minute|mins|min|m|'|′";
// Anchored and run on at most 40 characters, so it cannot backtrack far. `1h30`, `1h 30m` and
// `1 hour and 30 minutes` add the minutes; a unit glued to a letter (`10ms`, `5mo`) is no unit.
const TIMEBOX_START = new RegExp(
  `^(${NUMBER})[ \\t]*(?:(?:${HOURS})(?:(\\d{1,2})|[ \\t]*(?:and[ \\t]+)?(\\d{1,3})[ \\t]*(?:${MINUTES}))?|(?:${MINUTES}))(?![\\p{L}\\p{N}])`,
  'iu',
);
const LONGEST_TIMEBOX = 40;
// `Duration: 1h`, `Meeting Duration 1.5 hours`, `Planned duration - 45 min` (emphasis removed first).
const DURATION_LABEL = /^(?:\p{L}+[ \t]+){0,2}duration[ \t]*[:=\-–—]?[ \t]*/iu;
const LONGEST_DURATION_LINE = 200;

/** Minutes rounded to hundredths, so 1.1 h is 66 and not 66.00000000000001. */
const roundMinutes = (minutes: number): number => Math.round(minutes * 100) / 100;

/** A time box at the very start of `text`: its minutes and length, or null. */
export const timeboxAt = (text: string): { minutes: number; length: number } | null => {
  const match = TIMEBOX_START.exec(text.slice(0, LONGEST_TIMEBOX));
  if (!match) return null;
  const amount = Number(match[1]!.replace(',', '.'));
  const isHours = /^[\d.,]+[ \t]*h/i.test(match[0]);
  const extra = Number(match[2] ?? match[3] ?? 0);
  return { minutes: roundMinutes(isHours ? amount * 60 + extra : amount), length: match[0].length };
};

/** The minutes of a string that is exactly one time box (`[15']` and `(10 min)` unwrapped), or null. */
export const parseTimebox = (text: string): number | null => {
  let inner = text.trim();
  if ((inner.startsWith('[') && inner.endsWith(']')) || (inner.startsWith('(') && inner.endsWith(')'))) inner = inner.slice(1, -1).trim();
  const box = timeboxAt(inner);
  return box && box.length === inner.length ? box.minutes : null;
};

/** The minutes a duration value gives: a time box, `1:30` (h:mm), or a bare number of minutes. */
const durationValue = (value: string): number | null => {
  const clock = /^(\d{1,2}):([0-5]\d)(?!\d)/.exec(value);
  if (clock) return Number(clock[1]) * 60 + Number(clock[2]);
  const box = timeboxAt(value);
  if (box) return box.minutes;
  return /^\d{1,4}[ \t]*$/.test(value) ? Number(value.trim()) : null;
};

/** The planned minutes a `Duration: …` line states (bold markers allowed), or null for any other line. */
export const durationOfLine = (text: string): number | null => {
  if (text.length > LONGEST_DURATION_LINE) return null;
  const plain = text.replace(/[*_]/g, '');
  const label = DURATION_LABEL.exec(plain);
  return label ? durationValue(plain.slice(label[0].length)) : null;
};
