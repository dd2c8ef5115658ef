import { LABELS, LIGHTS, labelOf, type FindingSource, type Light, type RoundType, type Severity } from '../../workflows';
import { barChart, lineChart, stackedBarChart } from './notice-charts';
import { FindingCountsDto, NoticeDto, NoticeFindingDto, LISTED } from './notice.dto';
import { printablePage, table, text } from '../common/printable-page';
import { ZoneTime } from './zone-time';

export type NoticeLanguage = 'zh' | 'en';

/** The notice's words in Chinese (the hospital's) and English. */
const WORDS = {
  zh: {
    title: (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5))}月“三查房”及问题整改情况通报`,
    generated: (at: string, asOf: string, zone: string) => `生成于 ${at}（${zone}），逾期统计截至 ${asOf}。`,
    published: (at: string) => `本通报已于 ${at} 发布，数据以发布时为准；此后发生的情况计入发生当月。`,
    limited: (department: string) => `本通报仅含本科室（${department}）的内容。`,
    sourceOnly: (source: string) => `本通报仅统计来源为“${source}”的问题。`,
    branchOnly: (branch: string) => `本通报仅含${branch}所属科室的查房和问题。`,
    summary: (rounds: number, found: number, closed: number, overdue: number) =>
      `本月查房 ${rounds} 次，发现问题 ${found} 项，整改销号 ${closed} 项，逾期未整改 ${overdue} 项。`,
    rounds: '一、本月查房',
    found: '二、发现问题（按类型和科室）',
    bySource: '三、问题来源',
    byBranch: '四、各党支部问题整改情况（按责任科室所属党支部）',
    noBranch: '未分支部',
    closed: '五、本月整改销号（按承诺完成时限判断是否按期）',
    overdue: '六、逾期未整改',
    lights: '七、督办红黄绿灯（截至生成时未整改的问题）',
    repeats: '八、重复发生的问题',
    reopened: '重新打开的问题',
    relapsed: '回头看未通过（反弹）的问题',
    trend: '九、未整改问题趋势（近六个月）',
    allowances: '十、结案审核中的职责分离例外（经准许由验收人审核销号）',
    integrity: `${LABELS.roundType.integrity.zh}（仅统计数）`,
    integrityLine: (rounds: number, found: number, closed: number, overdue: number) =>
      `本月${LABELS.roundType.integrity.zh} ${rounds} 次，发现问题 ${found} 项，整改销号 ${closed} 项，逾期未整改 ${overdue} 项。具体内容由纪检部门掌握。`,
    overdueChart: '各科室逾期未整改问题数',
    lightsChart: '各科室督办灯',
    trendChart: '月末未整改问题数',
    listedOf: (listed: number, total: number) => `列出逾期最久的 ${listed} 项，共 ${total} 项（全部见问题台账）。`,
    lastClosedOf: (listed: number, total: number) => `列出最近销号的 ${listed} 项，共 ${total} 项（全部见问题台账）。`,
    none: '无。',
    headers: {
      date: '日期', department: '科室', types: '类型', lead: '组长', state: '状态', score: '得分', vetoed: '一票否决',
      title: '问题', roundType: '类型', severity: '严重程度', total: '合计', closedAt: '销号时间', daysToClose: '整改天数',
      onTime: '按期', closed: '销号数', late: '逾期销号', averageDays: '平均整改天数', deadline: '整改时限', daysOverdue: '逾期天数', overdue: '逾期数', longest: '最长逾期(天)',
      item: '检查项', earlier: '一年内此前发生', reopenings: '重新打开次数', yes: '是', no: '否',
      allowedAt: '准许时间', reference: '问题编号', allowedBy: '准许人', acceptedBy: '验收人', reason: '理由',
      source: '问题来源', found: '发现问题', relapses: '反弹次数', committed: '承诺完成日期', branch: '党支部',
    },
  },
  en: {
    title: (month: string) => `Triple-round inspections and rectification: notice for ${month}`,
    generated: (at: string, asOf: string, zone: string) => `Generated ${at} (${zone}); overdue as of ${asOf}.`,
    published: (at: string) => `Published ${at}: the figures stand as they were then; what happened since counts in the month it happened.`,
    limited: (department: string) => `This notice covers your department (${department}) only.`,
    sourceOnly: (source: string) => `This notice counts findings from one source only: ${source}.`,
    branchOnly: (branch: string) => `This notice covers the departments of one Party branch only: ${branch}, their rounds and findings.`,
    summary: (rounds: number, found: number, closed: number, overdue: number) =>
      `This month: ${rounds} rounds, ${found} findings logged, ${closed} closed, ${overdue} overdue.`,
    rounds: '1. Rounds this month',
    found: '2. Findings by type and department',
    bySource: '3. Findings by source',
    byBranch: '4. Findings by Party branch (of the responsible department)',
    noBranch: 'No branch',
    closed: '5. Closed this month (on time: by the committed date where the plan gave one)',
    overdue: '6. Overdue',
    lights: '7. Supervision lights (findings open when this was generated)',
    repeats: '8. Repeat findings',
    reopened: 'Reopened findings',
    relapsed: 'Relapses: follow-up checks failed',
    trend: '9. Open findings over six months',
    allowances: '10. Separation of duties set aside: closure audits the acceptor was allowed to approve',
    integrity: `${LABELS.roundType.integrity.en} rounds (counts only)`,
    integrityLine: (rounds: number, found: number, closed: number, overdue: number) =>
      `This month: ${rounds} integrity rounds, ${found} findings logged, ${closed} closed, ${overdue} overdue. Details rest with the discipline office.`,
    overdueChart: 'Overdue findings by department',
    lightsChart: 'Supervision lights by department',
    trendChart: 'Findings open at month end',
    listedOf: (listed: number, total: number) => `The ${listed} longest overdue of ${total} (the ledger lists them all).`,
    lastClosedOf: (listed: number, total: number) => `The ${listed} last closed of ${total} (the ledger lists them all).`,
    none: 'None.',
    headers: {
      date: 'Date', department: 'Department', types: 'Types', lead: 'Lead', state: 'State', score: 'Score', vetoed: 'Vetoed',
      title: 'Finding', roundType: 'Type', severity: 'Severity', total: 'Total', closedAt: 'Closed at', daysToClose: 'Days to close',
      onTime: 'On time', closed: 'Closed', late: 'Late', averageDays: 'Average days', deadline: 'Deadline', daysOverdue: 'Days overdue', overdue: 'Overdue', longest: 'Longest (days)',
      item: 'Checklist item', earlier: 'Earlier in the year', reopenings: 'Times reopened', yes: 'yes', no: 'no',
      allowedAt: 'Allowed at', reference: 'Finding', allowedBy: 'Allowed by', acceptedBy: 'Accepted by', reason: 'Reason',
      source: 'Source', found: 'Found', relapses: 'Relapses', committed: 'Committed date', branch: 'Party branch',
    },
  },
};

const LIGHT_COLOURS: Record<Light, string> = { red: '#c0392b', yellow: '#e6a817', green: '#27ae60' };

/** The notice as a page to print (A4), charts drawn on the server as SVG. */
export function renderNotice(notice: NoticeDto, lang: NoticeLanguage): string {
  const words = WORDS[lang];
  const h = words.headers;
  const roundType = (type: RoundType) => LABELS.roundType[type][lang];
  const severity = (value: Severity) => LABELS.severity[value][lang];
  const source = (value: FindingSource) => LABELS.source[value][lang];
  const light = (value: Light) => LABELS.light[value][lang];
  const state = (value: string) => labelOf('state', value)?.[lang] ?? value;
  const zone = new ZoneTime(notice.timeZone);
  const day = (instant: Date | null) => (instant ? zone.iso(new Date(instant)).slice(0, 10) : null);
  const minute = (instant: Date) => zone.iso(new Date(instant)).slice(0, 16).replace('T', ' ');
  const finding: [string, (row: NoticeFindingDto) => unknown][] = [
    [h.department, (f) => f.department],
    [h.title, (f) => f.title],
    [h.roundType, (f) => roundType(f.roundType)],
    [h.severity, (f) => severity(f.severity)],
  ];
  const counts: [string, (c: FindingCountsDto) => unknown][] = [[h.found, (c) => c.found], [h.closed, (c) => c.closed], [h.onTime, (c) => c.onTime], [h.overdue, (c) => c.overdue], [h.relapses, (c) => c.relapses]];
  const sections = [
    `<h2>${words.rounds}</h2>`,
    table(
      words.none,
      [
        [h.date, (r) => r.scheduledFor],
        [h.department, (r) => r.department],
        [h.types, (r) => r.types.map(roundType).join('、')],
        [h.lead, (r) => r.lead],
        [h.state, (r) => state(r.state)],
        [h.score, (r) => r.score],
        [h.vetoed, (r) => (r.vetoed ? h.yes : h.no)],
      ],
      notice.rounds,
      (r) => (r.vetoed ? 'alert' : ''),
    ),
    `<h2>${words.found}</h2>`,
    table(
      words.none,
      [
        [h.department, (d) => d.department],
        ...(['administrative', 'party_building', 'integrity'] as const).map((type): [string, (d: (typeof notice.foundByDepartment)[number]) => unknown] => [roundType(type), (d) => d.byType[type]]),
        [h.total, (d) => d.total],
      ],
      notice.foundByDepartment,
    ),
    `<h2>${words.bySource}</h2>`,
    table(words.none, [[h.source, (c) => source(c.source)], ...counts], notice.bySource),
    `<h2>${words.byBranch}</h2>`,
    table(words.none, [[h.branch, (c) => c.partyBranchName ?? words.noBranch], ...counts], notice.byBranch, (c) => (c.overdue > 0 ? 'alert' : '')),
    `<h2>${words.closed} (${notice.closed}; ${h.onTime} ${notice.closedOnTime})</h2>`,
    table(
      words.none,
      [[h.department, (d) => d.department], [h.closed, (d) => d.closed], [h.onTime, (d) => d.onTime], [h.late, (d) => d.late], [h.averageDays, (d) => d.averageDaysToClose]],
      notice.closedByDepartment,
      (d) => (d.late > 0 ? 'alert' : ''),
    ),
    notice.closed > 0 ? `<p>${words.lastClosedOf(notice.lastClosed.length, notice.closed)}</p>` : '',
    notice.closed > 0
      ? table(
          words.none,
          [...finding, [h.closedAt, (f) => minute(f.closedAt!)], [h.daysToClose, (f) => f.daysToClose], [h.onTime, (f) => (f.onTime ? h.yes : h.no)]],
          notice.lastClosed,
          (f) => (f.onTime ? '' : 'alert'),
        )
      : '',
    `<h2>${words.overdue} (${notice.overdue})</h2>`,
    notice.overdueByDepartment.length ? `<figure>${barChart(words.overdueChart, notice.overdueByDepartment.map((d) => d.department), notice.overdueByDepartment.map((d) => d.overdue))}</figure>` : '',
    table(words.none, [[h.department, (d) => d.department], [h.overdue, (d) => d.overdue], [h.longest, (d) => d.longestDays]], notice.overdueByDepartment),
    notice.overdue > 0 ? `<p>${words.listedOf(Math.min(LISTED, notice.overdue), notice.overdue)}</p>` : '',
    notice.overdue > 0
      ? table(
          words.none,
          [...finding, [h.state, (f) => state(f.state)], [h.deadline, (f) => day(f.deadline)], [h.committed, (f) => day(f.committedDue)], [h.daysOverdue, (f) => f.daysOverdue]],
          notice.longestOverdue,
          () => 'alert',
        )
      : '',
    `<h2>${words.lights} (${LIGHTS.map((l) => `${light(l)} ${notice.lights[l]}`).join('; ')})</h2>`,
    notice.lightsByDepartment.length
      ? `<figure>${stackedBarChart(
          words.lightsChart,
          notice.lightsByDepartment.map((d) => d.department),
          LIGHTS.map((l) => ({ name: light(l), color: LIGHT_COLOURS[l], values: notice.lightsByDepartment.map((d) => d[l]) })),
        )}</figure>`
      : '',
    table(words.none, [[h.department, (d) => d.department], ...LIGHTS.map((l): [string, (d: (typeof notice.lightsByDepartment)[number]) => unknown] => [light(l), (d) => d[l]])], notice.lightsByDepartment, (d) => (d.red > 0 ? 'alert' : '')),
    `<h2>${words.repeats}</h2>`,
    table(words.none, [...finding, [h.item, (f) => f.checklistItemCode], [h.earlier, (f) => f.earlier]], notice.repeats),
    `<h3>${words.reopened}</h3>`,
    table(words.none, [...finding, [h.state, (f) => state(f.state)], [h.reopenings, (f) => f.reopenings]], notice.reopened),
    `<h3>${words.relapsed} (${notice.relapses})</h3>`,
    table(words.none, [...finding, [h.source, (f) => source(f.source)], [h.state, (f) => state(f.state)], [h.relapses, (f) => f.relapses]], notice.relapsed),
    `<h2>${words.trend}</h2>`,
    `<figure>${lineChart(words.trendChart, notice.openTrend.map((m) => m.month), [{ name: words.trendChart, color: '#2c5aa0', values: notice.openTrend.map((m) => m.open) }])}</figure>`,
    `<h2>${words.allowances}</h2>`,
    table(
      words.none,
      [[h.allowedAt, (a) => minute(a.at)], [h.reference, (a) => a.findingId], [h.allowedBy, (a) => a.allowedBy], [h.acceptedBy, (a) => a.acceptedBy], [h.reason, (a) => a.reason]],
      notice.selfAuditAllowances,
    ),
    notice.integrityCounts
      ? `<h2>${words.integrity}</h2><p>${words.integrityLine(notice.integrityCounts.roundsHeld, notice.integrityCounts.found, notice.integrityCounts.closed, notice.integrityCounts.overdue)}</p>`
      : '',
  ];
  const held = notice.rounds.filter((r) => r.state === 'submitted' || r.state === 'completed').length;
  return printablePage(lang, words.title(notice.month), `<h1>${text(words.title(notice.month))}</h1>
<p class="meta">${text(words.generated(minute(notice.generatedAt), minute(notice.asOf), notice.timeZone))}</p>
${notice.publishedAt ? `<p class="meta">${text(words.published(minute(notice.publishedAt)))}</p>` : ''}
${notice.limitedToDepartment ? `<p class="meta">${text(words.limited(notice.limitedToDepartment))}</p>` : ''}
${notice.source ? `<p class="meta">${text(words.sourceOnly(source(notice.source)))}</p>` : ''}
${notice.partyBranchName ? `<p class="meta">${text(words.branchOnly(notice.partyBranchName))}</p>` : ''}
<p class="summary">${text(words.summary(held, notice.found, notice.closed, notice.overdue))}</p>
${sections.filter(Boolean).join('\n')}`);
}
