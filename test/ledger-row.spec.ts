import type { FindingContext } from '../workflows';
import { LedgerSource, ledgerRow } from '../src/reports/ledger';

const ZONE = 'Asia/Shanghai';
const now = new Date('2026-12-02T02:00:00Z');

const source = (overrides: Partial<LedgerSource>): LedgerSource => ({
  id: 'f',
  roundType: 'administrative',
  title: 't',
  severity: 'major',
  state: 'assigned',
  timeliness: 'overdue',
  // The end of 17 November in Shanghai.
  deadline: new Date('2026-11-17T15:59:59.999Z'),
  closedAt: null,
  createdAt: new Date('2026-11-02T03:00:00Z'),
  context: { committedDate: null, measures: null, evidence: null, reopenCount: 0 } as unknown as FindingContext,
  roundDate: '2026-11-02',
  department: 'd',
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

  it('counts no days overdue for a finding without a deadline, or one withdrawn or transferred', () => {
    expect(ledgerRow(source({ deadline: null }), 1, null, now, ZONE).daysOverdue).toBeNull();
    expect(ledgerRow(source({ state: 'withdrawn' }), 1, null, now, ZONE).daysOverdue).toBeNull();
    expect(ledgerRow(source({ state: 'transferred' }), 1, null, now, ZONE).daysOverdue).toBeNull();
  });
});
