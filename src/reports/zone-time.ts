import { DateTime } from 'luxon';

const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;

/**
 * An instant's wall-clock time in one zone, for reports that turn many instants: luxon's zone
 * lookup costs more than the rest of a ledger row, and offsets only change on quarter hours, so
 * each quarter hour's offset is looked up once.
 */
export class ZoneTime {
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {}

  /** The zone's offset from UTC at `instant`, in milliseconds. */
  offset(instant: Date): number {
    const quarter = Math.floor(instant.getTime() / QUARTER_HOUR_MS);
    let offset = this.offsets.get(quarter);
    if (offset === undefined) {
      offset = DateTime.fromMillis(quarter * QUARTER_HOUR_MS, { zone: this.zone }).offset * 60_000;
      this.offsets.set(quarter, offset);
    }
    return offset;
  }

  /** The wall-clock time as if it were UTC: what a spreadsheet, which has no zones, should show. */
  wallClock(instant: Date): Date {
    return new Date(instant.getTime() + this.offset(instant));
  }

  /** ISO 8601 with the zone's offset, e.g. 2026-11-23T09:30:00.000+08:00. */
  iso(instant: Date): string {
    const offset = this.offset(instant) / 60_000;
    const sign = offset < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
    return `${this.wallClock(instant).toISOString().slice(0, -1)}${sign}${hours}:${minutes}`;
  }

  /** Whole calendar days from `from` to `to` in the zone. */
  calendarDays(from: Date, to: Date): number {
    const day = (instant: Date) => Math.floor(this.wallClock(instant).getTime() / DAY_MS);
    return day(to) - day(from);
  }
}
