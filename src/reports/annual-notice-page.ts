import { LABELS, type DepartmentKind, type RoundType, type Severity } from '../../workflows';
import { printablePage, table, text } from '../common/printable-page';
import type { DepartmentAssessmentDto } from '../assessments/assessment.dto';
import { lineChart } from './notice-charts';
import type { AnnualNoticeDto } from './notice.dto';
import type { NoticeLanguage } from './notice-page';
import { ZoneTime } from './zone-time';

/** The year's notice in Chinese (the hospital's) and English. */
const WORDS = {
  zh: {
    title: (year: string) => `${year}年度“三查房”及问题整改情况通报`,
    generated: (at: string, zone: string) => `生成于 ${at}（${zone}）。已发布月份以发布时的数据为准。`,
    limited: (department: string) => `本通报仅含本科室（${department}）的内容。`,
    summary: (rounds: number, found: number, closed: number, onTime: number, overdue: number, relapses: number) =>
      `全年查房 ${rounds} 次，发现问题 ${found} 项，整改销号 ${closed} 项（按期 ${onTime} 项），年末逾期未整改 ${overdue} 项，回头看反弹 ${relapses} 次。`,
    trend: '一、逐月情况',
    trendChart: '逐月发现、销号与月末逾期',
    rankings: '二、科室考核等次与排名',
    branches: '三、党支部',
    vetoes: '四、一票否决',
    relapsed: '五、回头看反弹的问题',
    typicalCases: '六、典型案例',
    integrity: `${LABELS.roundType.integrity.zh}（仅统计数）`,
    integrityLine: (rounds: number, found: number, closed: number, overdue: number) =>
      `全年${LABELS.roundType.integrity.zh} ${rounds} 次，发现问题 ${found} 项，整改销号 ${closed} 项，年末逾期未整改 ${overdue} 项。具体内容由纪检部门掌握。`,
    kind: { clinical: '临床科室', functional: '职能科室' } as Record<DepartmentKind, string>,
    tied: (rank: number, ties: number) => `${rank}（${ties} 个科室并列）`,
    none: '无。',
    headers: {
      month: '月份', published: '已发布', rounds: '查房', found: '发现问题', closed: '销号', onTime: '按期销号', overdue: '月末逾期', relapses: '反弹',
      kind: '科室类别', rank: '排名', department: '科室', branch: '党支部', assessment: '考核分', grade: '等次', eligible: '可参加评优评先', branchRank: '支部内排名',
      departments: '科室数', inspected: '受检科室', average: '平均考核分', date: '日期', roundType: '类型', item: '否决项', title: '问题', severity: '严重程度', reason: '典型意义',
      yes: '是', no: '否',
    },
  },
  en: {
    title: (year: string) => `Triple-round inspections and rectification: the year ${year}`,
    generated: (at: string, zone: string) => `Generated ${at} (${zone}). Published months stand as they were published.`,
    limited: (department: string) => `This notice covers your department (${department}) only.`,
    summary: (rounds: number, found: number, closed: number, onTime: number, overdue: number, relapses: number) =>
      `This year: ${rounds} rounds, ${found} findings logged, ${closed} closed (${onTime} on time), ${overdue} overdue at the year's end, ${relapses} relapses.`,
    trend: '1. Month by month',
    trendChart: 'Found, closed and overdue at month end',
    rankings: '2. Departments: grades and ranks',
    branches: '3. Party branches',
    vetoes: '4. Vetoes (bottom-line items failed)',
    relapsed: '5. Relapses: follow-up checks failed',
    typicalCases: '6. Typical cases',
    integrity: `${LABELS.roundType.integrity.en} rounds (counts only)`,
    integrityLine: (rounds: number, found: number, closed: number, overdue: number) =>
      `This year: ${rounds} integrity rounds, ${found} findings logged, ${closed} closed, ${overdue} overdue at the year's end. Details rest with the discipline office.`,
    kind: { clinical: 'Clinical departments', functional: 'Functional departments' } as Record<DepartmentKind, string>,
    tied: (rank: number, ties: number) => `${rank} (${ties} tied)`,
    none: 'None.',
    headers: {
      month: 'Month', published: 'Published', rounds: 'Rounds', found: 'Found', closed: 'Closed', onTime: 'On time', overdue: 'Overdue at month end', relapses: 'Relapses',
      kind: 'Kind', rank: 'Rank', department: 'Department', branch: 'Party branch', assessment: 'Assessment', grade: 'Grade', eligible: 'Eligible for honours', branchRank: 'Rank in branch',
      departments: 'Departments', inspected: 'Inspected', average: 'Average assessment', date: 'Date', roundType: 'Type', item: 'Vetoing item', title: 'Finding', severity: 'Severity', reason: 'Why typical',
      yes: 'yes', no: 'no',
    },
  },
};

/** The year's notice as a page to print (A4), its trend drawn on the server as SVG. */
export function renderAnnualNotice(notice: AnnualNoticeDto, lang: NoticeLanguage): string {
  const words = WORDS[lang];
  const h = words.headers;
  const roundType = (type: RoundType) => LABELS.roundType[type][lang];
  const severity = (value: Severity) => LABELS.severity[value][lang];
  const yesNo = (value: boolean) => (value ? h.yes : h.no);
  const rank = (value: number | null, ties: number | null) => (value === null ? null : ties && ties > 1 ? words.tied(value, ties) : value);
  const minute = (instant: Date) => new ZoneTime(notice.timeZone).iso(new Date(instant)).slice(0, 16).replace('T', ' ');
  const months = notice.months;
  const ranking: [string, (row: DepartmentAssessmentDto) => unknown][] = [
    [h.kind, (d) => words.kind[d.departmentKind]],
    [h.rank, (d) => rank(d.rank, d.rankTies)],
    [h.department, (d) => d.departmentName],
    [h.branch, (d) => d.partyBranchName],
    [h.branchRank, (d) => rank(d.branchRank, d.branchRankTies)],
    [h.assessment, (d) => d.assessment],
    [h.grade, (d) => d.gradeLabel[lang]],
    [h.eligible, (d) => yesNo(d.eligible)],
  ];
  const sections = [
    `<h2>${words.trend}</h2>`,
    months.length
      ? `<figure>${lineChart(
          words.trendChart,
          months.map((m) => m.month),
          [
            { name: h.found, color: '#2c5aa0', values: months.map((m) => m.found) },
            { name: h.closed, color: '#27ae60', values: months.map((m) => m.closed) },
            { name: h.overdue, color: '#c0392b', values: months.map((m) => m.overdue) },
          ],
        )}</figure>`
      : '',
    table(
      words.none,
      [
        [h.month, (m) => m.month],
        [h.published, (m) => (m.publishedAt ? minute(m.publishedAt) : h.no)],
        [h.rounds, (m) => m.roundsHeld],
        [h.found, (m) => m.found],
        [h.closed, (m) => m.closed],
        [h.onTime, (m) => m.closedOnTime],
        [h.overdue, (m) => m.overdue],
        [h.relapses, (m) => m.relapses],
      ],
      months,
    ),
    `<h2>${words.rankings}</h2>`,
    table(words.none, ranking, notice.rankings, (d) => (d.gradeCause ? 'alert' : '')),
    `<h2>${words.branches}</h2>`,
    table(
      words.none,
      [
        [h.rank, (b) => rank(b.rank, b.rankTies)],
        [h.branch, (b) => b.partyBranchName],
        [h.departments, (b) => b.departments],
        [h.inspected, (b) => b.inspected],
        [h.average, (b) => b.averageAssessment],
        [h.grade, (b) => b.gradeLabel[lang]],
      ],
      notice.branches,
    ),
    `<h2>${words.vetoes}</h2>`,
    table(
      words.none,
      [[h.date, (v) => v.day], [h.department, (v) => v.departmentName], [h.roundType, (v) => roundType(v.roundType)], [h.item, (v) => v.itemCode]],
      notice.vetoes,
      () => 'alert',
    ),
    `<h2>${words.relapsed} (${notice.relapses})</h2>`,
    table(
      words.none,
      [[h.department, (f) => f.department], [h.title, (f) => f.title], [h.roundType, (f) => roundType(f.roundType)], [h.severity, (f) => severity(f.severity)], [h.relapses, (f) => f.relapses]],
      notice.relapsed,
    ),
    `<h2>${words.typicalCases}</h2>`,
    table(
      words.none,
      [[h.department, (c) => c.departmentName], [h.title, (c) => c.title], [h.roundType, (c) => roundType(c.roundType)], [h.reason, (c) => c.reason]],
      notice.typicalCases,
    ),
    notice.integrityCounts
      ? `<h2>${words.integrity}</h2><p>${text(words.integrityLine(notice.integrityCounts.roundsHeld, notice.integrityCounts.found, notice.integrityCounts.closed, notice.integrityCounts.overdue))}</p>`
      : '',
  ];
  return printablePage(
    lang,
    words.title(notice.year),
    `<h1>${text(words.title(notice.year))}</h1>
<p class="meta">${text(words.generated(minute(notice.generatedAt), notice.timeZone))}</p>
${notice.limitedToDepartment ? `<p class="meta">${text(words.limited(notice.limitedToDepartment))}</p>` : ''}
<p class="summary">${text(words.summary(notice.roundsHeld, notice.found, notice.closed, notice.closedOnTime, notice.overdue, notice.relapses))}</p>
${sections.filter(Boolean).join('\n')}`,
  );
}
