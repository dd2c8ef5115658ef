import { INBOX_NOTICE_TYPES } from '../../workflows';
import { NotificationSettings, defaultNotificationSettings, releaseAt, wants } from './notification-preferences';

const SHANGHAI = 'Asia/Shanghai';
const quiet = (start: string, end: string): NotificationSettings => ({ ...defaultNotificationSettings(), quietHours: { start, end } });
/** An instant given as Shanghai wall-clock time (UTC+8). */
const shanghai = (local: string) => new Date(`${local}+08:00`);

describe('notification preferences', () => {
  it('wants everything on every channel by default', () => {
    const settings = defaultNotificationSettings();
    for (const channel of ['email', 'wecom', 'dingtalk'] as const) {
      for (const type of INBOX_NOTICE_TYPES) expect(wants(settings, channel, type)).toBe(true);
    }
  });

  it('wants what the channel lists, and a deadline passing or an escalation whatever it lists', () => {
    const settings: NotificationSettings = { channels: { email: ['assigned'], wecom: [], dingtalk: ['announcement'] }, quietHours: null };
    expect(wants(settings, 'email', 'assigned')).toBe(true);
    expect(wants(settings, 'email', 'due_soon')).toBe(false);
    expect(wants(settings, 'wecom', 'assigned')).toBe(false);
    expect(wants(settings, 'dingtalk', 'announcement')).toBe(true);
    expect(wants(settings, 'dingtalk', 'round_tomorrow')).toBe(false);
    for (const type of ['overdue', 'receipt_late', 'escalated', 'receipt_escalated'] as const) {
      for (const channel of ['email', 'wecom', 'dingtalk'] as const) expect(wants(settings, channel, type)).toBe(true);
    }
  });

  it('lets a notice go at once without quiet hours, or outside them', () => {
    const at = shanghai('2026-12-01T23:30:00');
    expect(releaseAt(defaultNotificationSettings(), at, SHANGHAI)).toEqual(at);
    const daytime = shanghai('2026-12-01T12:00:00');
    expect(releaseAt(quiet('22:00', '07:00'), daytime, SHANGHAI)).toEqual(daytime);
    expect(releaseAt(quiet('12:30', '14:00'), daytime, SHANGHAI)).toEqual(daytime);
  });

  it('holds a notice made in quiet hours over midnight until they end, the same night or the next morning', () => {
    const settings = quiet('22:00', '07:00');
    expect(releaseAt(settings, shanghai('2026-12-01T23:15:42'), SHANGHAI)).toEqual(shanghai('2026-12-02T07:00:00'));
    expect(releaseAt(settings, shanghai('2026-12-02T03:00:00'), SHANGHAI)).toEqual(shanghai('2026-12-02T07:00:00'));
    // Across a month's and a year's end.
    expect(releaseAt(settings, shanghai('2026-12-31T22:30:00'), SHANGHAI)).toEqual(shanghai('2027-01-01T07:00:00'));
  });

  it('holds a notice made in quiet hours within one day until their end that day', () => {
    const settings = quiet('12:00', '14:00');
    expect(releaseAt(settings, shanghai('2026-12-01T13:59:59'), SHANGHAI)).toEqual(shanghai('2026-12-01T14:00:00'));
  });

  it('counts the start as quiet and the end as not', () => {
    const settings = quiet('22:00', '07:00');
    expect(releaseAt(settings, shanghai('2026-12-01T22:00:00'), SHANGHAI)).toEqual(shanghai('2026-12-02T07:00:00'));
    expect(releaseAt(settings, shanghai('2026-12-01T21:59:59.999'), SHANGHAI)).toEqual(shanghai('2026-12-01T21:59:59.999'));
    expect(releaseAt(settings, shanghai('2026-12-02T07:00:00'), SHANGHAI)).toEqual(shanghai('2026-12-02T07:00:00'));
    expect(releaseAt(settings, shanghai('2026-12-02T06:59:59.999'), SHANGHAI)).toEqual(shanghai('2026-12-02T07:00:00'));
  });

  it('reads the quiet hours on the given zone’s clock, across a change of its offset', () => {
    const settings = quiet('22:00', '07:00');
    // 15:00 UTC is 23:00 in Shanghai (quiet) but 15:00 in UTC (not).
    const at = new Date('2026-12-01T15:00:00Z');
    expect(releaseAt(settings, at, SHANGHAI)).toEqual(new Date('2026-12-01T23:00:00Z'));
    expect(releaseAt(settings, at, 'UTC')).toEqual(at);
    // Berlin leaves summer time in the night of 25 October 2026: 07:00 the next morning is UTC+1.
    expect(releaseAt(settings, new Date('2026-10-24T21:00:00Z'), 'Europe/Berlin')).toEqual(new Date('2026-10-25T06:00:00Z'));
  });
});
