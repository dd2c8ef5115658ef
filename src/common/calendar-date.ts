import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const IsCalendarDate = () =>
  applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' }),
    IsISO8601({ strict: true }, { message: '$property must be a real calendar date' }),
  );

/**
 * A deadline: a date (`2026-12-08`, meaning the end of that day in the hospital's time zone) or a
 * date-time (`2026-12-08T17:00`, read in that zone, or with an offset or `Z`).
 */
export const IsDeadline = () =>
  applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/, {
      message: '$property must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm[:ss][offset])',
    }),
    IsISO8601({ strict: true }, { message: '$property must be a real date and time' }),
  );

/** A calendar month `YYYY-MM`. */
export const IsCalendarMonth = () => Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '$property must be a month as YYYY-MM' });

/** A calendar year `YYYY`. */
export const IsCalendarYear = () => Matches(/^[12]\d{3}$/, { message: '$property must be a year as YYYY' });
