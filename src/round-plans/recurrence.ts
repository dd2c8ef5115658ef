import { Frequency, RRule } from 'rrule';
import { InvalidInputException } from '../common/api-error';

/** Rules finer than a day would plan several rounds a day. */
const CALENDAR_FREQUENCIES = [Frequency.YEARLY, Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY];

/**
 * A plan's rule over calendar dates. rrule works in instants; each date is taken as its UTC
 * midnight and read back the same way, so no time zone moves an occurrence to another day: the
 * dates are the hospital's (its today comes from the Clock in TIME_ZONE).
 */
export class Recurrence {
  private constructor(private readonly rule: RRule) {}

  /** The rule from `startsOn` to `until`, or 400 naming `rule`. DTSTART and UNTIL come from the plan, not the text. */
  static of(text: string, startsOn: string, until: string | null): Recurrence {
    let options;
    try {
      options = RRule.parseString(text.replace(/^RRULE:/i, ''));
    } catch (error) {
      throw new InvalidInputException([{ field: 'rule', reason: `is not an RFC 5545 RRULE: ${(error as Error).message}` }]);
    }
    if (options.freq === undefined || !CALENDAR_FREQUENCIES.includes(options.freq)) {
      throw new InvalidInputException([{ field: 'rule', reason: 'must give FREQ as YEARLY, MONTHLY, WEEKLY or DAILY' }]);
    }
    if (options.dtstart || options.byhour !== undefined || options.byminute !== undefined || options.bysecond !== undefined) {
      throw new InvalidInputException([{ field: 'rule', reason: 'names dates only: DTSTART comes from startsOn, and no BYHOUR, BYMINUTE or BYSECOND' }]);
    }
    const ruleUntil = options.until ? toDate(options.until) : null;
    const last = [until, ruleUntil].filter((d): d is string => d !== null).sort()[0];
    return new Recurrence(new RRule({ ...options, dtstart: toInstant(startsOn), until: last ? toInstant(last) : null }));
  }

  /** Occurrence dates from `from` to `to`, both included, each with its index in the whole series (for taking departments in turn). */
  between(from: string, to: string): { on: string; index: number }[] {
    if (from > to) return [];
    const dates = this.rule.between(toInstant(from), toInstant(to), true).map(toDate);
    if (dates.length === 0) return [];
    const before = this.rule.between(this.rule.options.dtstart, toInstant(dates[0]), false).length;
    return dates.map((on, i) => ({ on, index: before + i }));
  }

  /** Whether `on` is an occurrence. */
  includes(on: string): boolean {
    return this.between(on, on).length > 0;
  }
}

const toInstant = (date: string): Date => new Date(`${date}T00:00:00Z`);
const toDate = (instant: Date): string => instant.toISOString().slice(0, 10);
