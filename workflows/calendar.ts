import { DateTime } from 'luxon';

/**
 * Calendar dates are `YYYY-MM-DD` strings, ordered as strings. Deadlines are instants written as
 * ISO 8601 with the hospital's offset (`2026-12-08T23:59:59.999+08:00`), so their calendar date is
 * their first ten characters; compare them with `Date.parse`, never as strings.
 */
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `n` days as milliseconds. */
export const days = (n: number): number => n * DAY_MS;

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days(n)).toISOString().slice(0, 10);
}

/**
 * Deadlines already read: luxon's reading in a zone costs about a tenth of a millisecond, and an
 * import's thousands of findings (or a day's transitions) ask for the same few dates again and again.
 */
const deadlines = new Map<string, string>();
const REMEMBERED_DEADLINES = 1_000;

/**
 * A deadline as given (a date, or a date-time with or without an offset) as an instant in `timeZone`:
 * a date alone means the end of that day there, a date-time without an offset is read there.
 */
export function deadlineIn(value: string, timeZone: string): string {
  const key = `${timeZone} ${value}`;
  let instant = deadlines.get(key);
  if (instant === undefined) {
    const read = DateTime.fromISO(value, { zone: timeZone });
    instant = (DATE_ONLY.test(value) ? read.endOf('day') : read).toISO()!;
    // Forgotten all at once when full: a few hundred dates are in use at any time.
    if (deadlines.size >= REMEMBERED_DEADLINES) deadlines.clear();
    deadlines.set(key, instant);
  }
  return instant;
}

/** `instant` moved by a number of milliseconds, as UTC ISO 8601. */
export function shiftInstant(instant: string, ms: number): string {
  return new Date(Date.parse(instant) + ms).toISOString();
}

/** The date `n` working days after `date`, Saturdays and Sundays not counted. */
export function addWorkingDays(date: string, n: number): string {
  let day = date;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return day;
}
