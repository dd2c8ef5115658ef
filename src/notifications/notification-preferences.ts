import { DateTime } from 'luxon';
import { INBOX_NOTICE_TYPES, type InboxNoticeType, isMandatory } from '../../workflows';

/**
 * Each person's choice of what reaches them outside the inbox, and when. Pure: the settings are
 * read by the caller, so the delivery side decides per notice without a query.
 */

/** The channels a person chooses notices for; the inbox is none of them: it always gets everything. */
export const NOTIFICATION_CHANNELS = ['email', 'wecom', 'dingtalk'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Wall-clock times in the service's TIME_ZONE, `HH:MM`; `end` may be earlier than `start` (over midnight), never equal. */
export interface QuietHours {
  start: string;
  end: string;
}

/** A person's settings, as GET and PUT /me/notification-settings carry them. */
export interface NotificationSettings {
  /** For each channel, the notice types the person wants on it (always including MANDATORY_NOTICE_TYPES). */
  channels: Record<NotificationChannel, InboxNoticeType[]>;
  /** While they last, notices wait (none is dropped); null for none. */
  quietHours: QuietHours | null;
}

/** Everything on every channel, no quiet hours: a person who chose nothing. */
export const defaultNotificationSettings = (): NotificationSettings => ({
  channels: { email: [...INBOX_NOTICE_TYPES], wecom: [...INBOX_NOTICE_TYPES], dingtalk: [...INBOX_NOTICE_TYPES] },
  quietHours: null,
});

/** Whether the person wants a notice of `type` on `channel`; the mandatory types always. */
export function wants(settings: NotificationSettings, channel: NotificationChannel, type: InboxNoticeType): boolean {
  return isMandatory(type) || settings.channels[channel].includes(type);
}

/** `HH:MM` as minutes after midnight. */
const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * The instant a notice made at `at` may go out: `at` itself outside the quiet hours, else the
 * next end of the quiet hours, read on the wall clock of `timeZone`. Quiet hours hold from `start`
 * up to, not including, `end`; over midnight when `end` is earlier than `start`.
 */
export function releaseAt(settings: NotificationSettings, at: Date, timeZone: string): Date {
  const quiet = settings.quietHours;
  if (!quiet) return at;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inQuietHours = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inQuietHours) return at;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return (endToday > local ? endToday : endToday.plus({ days: 1 })).toJSDate();
}
