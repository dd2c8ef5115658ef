import { LABELS } from '../workflows';
import type { NoticeDto } from '../src/reports/notice.dto';
import { renderNotice } from '../src/reports/notice-page';

const HOSTILE = '<script>alert(1)</script>';

/** A notice whose names and titles carry markup, as a department name or finding title typed by anyone could. */
function notice(): NoticeDto {
  const finding = {
    id: 'f1',
    title: `${HOSTILE} title`,
    source: 'complaint' as const,
    roundType: 'administrative' as const,
    department: `${HOSTILE} ward`,
    severity: 'major' as const,
    state: 'assigned' as const,
    createdAt: new Date('2026-03-02T02:00:00Z'),
    deadline: new Date('2026-03-17T15:59:59.999Z'),
    committedDue: null,
    closedAt: null,
  };
  return {
    month: '2026-03',
    timeZone: 'Asia/Shanghai',
    from: new Date('2026-02-28T16:00:00Z'),
    to: new Date('2026-03-31T16:00:00Z'),
    generatedAt: new Date('2026-04-01T02:00:00Z'),
    publishedAt: null,
    asOf: new Date('2026-03-31T16:00:00Z'),
    limitedToDepartment: null,
    source: null,
    partyBranchId: null,
    partyBranchName: null,
    rounds: [{ id: 'r1', scheduledFor: '2026-03-02', department: `${HOSTILE} ward`, types: ['administrative'], lead: HOSTILE, state: 'completed', score: 90, vetoed: false }],
    found: 1,
    foundByDepartment: [{ department: `${HOSTILE} ward`, byType: { administrative: 1, party_building: 0, integrity: 0 }, total: 1 }],
    closed: 0,
    closedOnTime: 0,
    closedByDepartment: [],
    lastClosed: [],
    overdue: 1,
    overdueByDepartment: [{ department: `${HOSTILE} ward`, overdue: 1, longestDays: 14 }],
    longestOverdue: [{ ...finding, daysOverdue: 14 }],
    bySource: [{ source: 'complaint', found: 1, closed: 0, onTime: 0, overdue: 1, relapses: 1 }],
    byBranch: [
      { partyBranchId: 'b1', partyBranchName: `${HOSTILE} branch`, found: 1, closed: 0, onTime: 0, overdue: 1, relapses: 1 },
      { partyBranchId: null, partyBranchName: null, found: 2, closed: 1, onTime: 1, overdue: 0, relapses: 0 },
    ],
    lights: { red: 1, yellow: 0, green: 2 },
    lightsByDepartment: [{ department: `${HOSTILE} ward`, red: 1, yellow: 0, green: 2 }],
    repeats: [],
    reopened: [],
    relapses: 1,
    relapsed: [{ ...finding, relapses: 1 }],
    openTrend: ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'].map((month, i) => ({ month, open: i })),
    integrityCounts: { roundsHeld: 1, found: 2, closed: 1, overdue: 0 },
    selfAuditAllowances: [{ findingId: 'f2', at: new Date('2026-03-05T02:00:00Z'), allowedBy: HOSTILE, acceptedBy: HOSTILE, reason: `${HOSTILE} reason` }],
  };
}

describe('the notice page', () => {
  it('escapes every name and title, in its tables and in its server-drawn charts', () => {
    const page = renderNotice(notice(), 'zh');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; title');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; reason');
    expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt; branch</td>');
    expect(page.match(/<svg/g)).toHaveLength(3);
    // The overdue chart labels its bar with the escaped department.
    expect(page).toMatch(/<svg[\s\S]*&lt;script&gt;alert\(1\)&lt;\/script&gt; ward[\s\S]*<\/svg>/);
  });

  it('reports integrity as counts, and overdue by days, in either language', () => {
    expect(renderNotice(notice(), 'zh')).toContain('本月廉政查房 1 次，发现问题 2 项，整改销号 1 项，逾期未整改 0 项。');
    const en = renderNotice(notice(), 'en');
    expect(en).toContain('This month: 1 integrity rounds, 2 findings logged, 1 closed, 0 overdue.');
    // The deadline, no committed date, and the days overdue.
    expect(en).toContain('<td>2026-03-17</td><td>—</td><td>14</td>');
  });

  it('counts by source, lights and relapses, named from the one set of labels', () => {
    const zh = renderNotice(notice(), 'zh');
    expect(zh).toContain(`<td>${LABELS.source.complaint.zh}</td><td>1</td><td>0</td><td>0</td><td>1</td><td>1</td>`);
    expect(zh).toContain(`<h2>七、督办红黄绿灯（截至生成时未整改的问题） (${LABELS.light.green.zh} 2; ${LABELS.light.yellow.zh} 0; ${LABELS.light.red.zh} 1)</h2>`);
    expect(zh).toContain('<h3>回头看未通过（反弹）的问题 (1)</h3>');
    expect(zh).toContain('各科室督办灯');
    const en = renderNotice({ ...notice(), source: 'complaint' }, 'en');
    expect(en).toContain('This notice counts findings from one source only: Complaint.');
    expect(en).toContain('<tr class="alert"><td>&lt;script&gt;alert(1)&lt;/script&gt; ward</td><td>2</td><td>0</td><td>1</td></tr>');
  });

  it('counts by Party branch, the departments in no branch in one row, and says which branch a filtered notice covers', () => {
    const zh = renderNotice(notice(), 'zh');
    expect(zh).toContain('<h2>四、各党支部问题整改情况（按责任科室所属党支部）</h2>');
    expect(zh).toContain('<tr class="alert"><td>&lt;script&gt;alert(1)&lt;/script&gt; branch</td><td>1</td><td>0</td><td>0</td><td>1</td><td>1</td></tr>');
    expect(zh).toContain('<tr><td>未分支部</td><td>2</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>');
    expect(zh).not.toContain('所属科室的查房和问题');
    const en = renderNotice({ ...notice(), partyBranchId: 'b1', partyBranchName: `${HOSTILE} branch`, byBranch: notice().byBranch.slice(0, 1) }, 'en');
    expect(en).toContain('<h2>4. Findings by Party branch (of the responsible department)</h2>');
    expect(en).toContain('This notice covers the departments of one Party branch only: &lt;script&gt;alert(1)&lt;/script&gt; branch, their rounds and findings.');
    expect(renderNotice(notice(), 'en')).toContain('<tr><td>No branch</td><td>2</td>');
  });

  it('names round types, severities and states in the language of the page, from the one set of labels', () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = renderNotice(notice(), lang);
      for (const label of [LABELS.roundType.administrative, LABELS.severity.major, LABELS.state.assigned, LABELS.state.completed]) {
        expect(page).toContain(`<td>${label[lang]}</td>`);
      }
    }
  });
});
