import { DateTime } from 'luxon';
import type { FindingContext } from '../workflows';
import { LedgerSource, ledgerRow } from '../src/reports/ledger';
import { ZoneTime } from '../src/reports/zone-time';

const ZONE = new ZoneTime('Asia/Shanghai');
const now = new Date('2026-12-02T02:00:00Z');

const source = (overrides: Partial<LedgerSource>): LedgerSource => ({
  id: 'f',
  source: 'complaint',
  roundType: 'administrative',
  title: 't',
  severity: 'major',
  state: 'assigned',
  timeliness: 'overdue',
  light: 'red',
  receipt: 'acknowledged',
  // The end of 17 November in Shanghai.
  deadline: new Date('2026-11-17T15:59:59.999Z'),
  committedDue: null,
  closedAt: null,
  createdAt: new Date('2026-11-02T03:00:00Z'),
  context: { committedDate: null, measures: null, evidence: null, reopenCount: 0 } as unknown as FindingContext,
  roundDate: '2026-11-02',
  department: 'd',
  partyBranch: null,
  responsiblePerson: '张三',
  ...overrides,
});

describe('a ledger line', () => {
  it('counts calendar days overdue until now while open, and until closure once closed', () => {
    expect(ledgerRow(source({}), 1, null, now, ZONE)).toMatchObject({ daysOverdue: 15, daysToClose: null });
    // Closed at 00:30 on 19 November in Shanghai (still the 18th in UTC): two days late, 17 days after logging.
    const late = ledgerRow(source({ state: 'closed', closedAt: new Date('2026-11-18T16:30:00Z') }), 1, null, now, ZONE);
    expect(late).toMatchObject({ daysOverdue: 2, daysToClose: 17 });
    expect(ledgerRow(source({ state: 'closed', closedAt: new Date('2026-11-10T02:00:00Z') }), 1, null, now, ZONE)).toMatchObject({ daysOverdue: 0, daysToClose: 8 });
  });

  it('counts from the end of the committed date while the plan commits to one before the deadline', () => {
    // The plan committed to 10 November; the deadline stays the 17th.
    const committed = { committedDue: new Date('2026-11-10T15:59:59.999Z'), context: { committedDate: '2026-11-10', measures: 'm', evidence: null, reopenCount: 0 } as unknown as FindingContext };
    expect(ledgerRow(source(committed), 1, null, now, ZONE)).toMatchObject({ committedDate: '2026-11-10', daysOverdue: 22 });
    // Closed on the 12th: within the deadline, two days after the committed date.
    expect(ledgerRow(source({ ...committed, state: 'closed', closedAt: new Date('2026-11-12T02:00:00Z') }), 1, null, now, ZONE).daysOverdue).toBe(2);
  });

  it('names its source, responsible person, light and receipt', () => {
    expect(ledgerRow(source({}), 1, null, now, ZONE)).toMatchObject({ source: 'complaint', responsiblePerson: '张三', light: 'red', receipt: 'acknowledged' });
  });

  it('counts no days overdue for a finding without a deadline, or one withdrawn or transferred', () => {
    expect(ledgerRow(source({ deadline: null }), 1, null, now, ZONE).daysOverdue).toBeNull();
    expect(ledgerRow(source({ state: 'withdrawn' }), 1, null, now, ZONE).daysOverdue).toBeNull();
    expect(ledgerRow(source({ state: 'transferred' }), 1, null, now, ZONE).daysOverdue).toBeNull();
  });
});

describe('ZoneTime', () => {
  // Daylight saving both ways, a half-hour zone and a zone that changed its offset.
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Shanghai', 'Australia/Lord_Howe'])('agrees with luxon every five hours or so across 2026 in %s', (zone) => {
    const time = new ZoneTime(zone);
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 5 * 3_600_000 + 7 * 60_000) {
      const instant = new Date(t);
      const local = DateTime.fromJSDate(instant, { zone });
      expect(time.iso(instant)).toBe(local.toISO());
      expect(time.calendarDays(new Date(Date.UTC(2026, 0, 1)), instant)).toBe(
        Math.round(local.startOf('day').diff(DateTime.fromJSDate(new Date(Date.UTC(2026, 0, 1)), { zone }).startOf('day'), 'days').days),
      );
    }
  });
});
