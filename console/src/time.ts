/**
 * Every time the console shows is the hospital's clock (`timeZone` from GET /me): an office computer
 * set to another zone, or to UTC, still reads a deadline as the ward does. Until /me has answered, the
 * browser's own zone.
 */
let hospitalZone: string | undefined;

export function rememberHospitalZone(zone: string): void {
  hospitalZone = zone;
}

const parts = (at: string | Date, withTime: boolean) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: hospitalZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime && { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );

/** `YYYY-MM-DD HH:mm` in the hospital's zone; a dash for no time. */
export function dateTime(at: string | null | undefined): string {
  if (!at) return '—';
  const { year, month, day, hour, minute } = parts(at, true);
  return `${year}-${month}-${day} ${hour}:${minute}`;
}

/** `YYYY-MM-DD` in the hospital's zone; a dash for no time. */
export function date(at: string | null | undefined): string {
  if (!at) return '—';
  const { year, month, day } = parts(at, false);
  return `${year}-${month}-${day}`;
}
