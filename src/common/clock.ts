import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** The one source of "now"; tests replace it to drive time. */
@Injectable()
export class Clock {
  private readonly dateFormat: Intl.DateTimeFormat;
  /** The last minute asked about and its date: time zones change date only on a minute boundary. */
  private lastDate = { minute: NaN, date: '' };

  constructor(config: AppConfig) {
    // en-CA formats dates as YYYY-MM-DD.
    this.dateFormat = new Intl.DateTimeFormat('en-CA', {
      timeZone: config.TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  }

  now(): Date {
    return new Date();
  }

  /** The hospital's calendar date at `instant`. */
  dateOf(instant: Date): string {
    const minute = Math.floor(instant.getTime() / 60_000);
    if (minute !== this.lastDate.minute) this.lastDate = { minute, date: this.dateFormat.format(instant) };
    return this.lastDate.date;
  }
}
