import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Writable } from 'node:stream';
import { LABELS, ROUND_TYPES } from '../../workflows';
import type { DepartmentAssessmentDto, MonthlyTrackingDto, SourceCountsDto } from '../assessments/assessment.dto';
import type { InterviewDto } from '../interviews/interview.dto';
import { ReportColumn, reportSheet } from './spreadsheet';
import { ZoneTime } from './zone-time';

const figure = <Row>(key: keyof Row & string, zh: string, en: string, width = 10): ReportColumn<Row> => ({
  key,
  zh,
  en,
  width,
  kind: 'number',
  value: (row) => row[key],
});

/** A department's month, as the assessment counts it; the same columns on every sheet. */
export const MONTHLY_COLUMNS: ReportColumn<DepartmentAssessmentDto>[] = [
  { key: 'departmentCode', zh: '科室编码', en: 'Code', width: 10, kind: 'text', value: (row) => row.departmentCode },
  { key: 'departmentName', zh: '科室', en: 'Department', width: 18, kind: 'text', value: (row) => row.departmentName },
  { key: 'partyBranchName', zh: '党支部', en: 'Party branch', width: 16, kind: 'text', value: (row) => row.partyBranchName },
  figure('roundsHeld', '查房次数', 'Rounds held'),
  figure('averageScore', '平均得分', 'Average score'),
  figure('vetoes', '一票否决', 'Vetoes'),
  figure('found', '发现问题', 'Found'),
  figure('closedOnTime', '按期整改', 'Closed on time'),
  figure('closedLate', '逾期整改', 'Closed late'),
  figure('overdueAtMonthEnd', '月末逾期未改', 'Overdue at month end', 12),
  figure('reopened', '重新打开', 'Reopened'),
  figure('relapses', '反弹', 'Relapses'),
  figure('averageDaysToClose', '平均整改天数', 'Average days to close', 12),
  figure('assessment', '考核得分', 'Assessment'),
  { key: 'grade', zh: '考核等级', en: 'Grade', width: 20, kind: 'text', value: (row) => row.gradeLabel.zh },
  figure('rank', '同类排名', 'Rank in kind'),
  figure('branchRank', '支部内排名', 'Rank in branch'),
];

/** Rows grouped by Party branch (一张清单), in the branches' name order, departments of no branch last; by code within a branch. */
export const groupedByBranch = (rows: DepartmentAssessmentDto[]): DepartmentAssessmentDto[] =>
  [...rows].sort(
    (a, b) =>
      Number(a.partyBranchName === null) - Number(b.partyBranchName === null) ||
      (a.partyBranchName ?? '').localeCompare(b.partyBranchName ?? '', 'zh') ||
      a.departmentCode.localeCompare(b.departmentCode),
  );

/** The departments' findings together, by where they came from. */
export const SOURCE_COLUMNS: ReportColumn<SourceCountsDto>[] = [
  { key: 'source', zh: '问题来源', en: 'Source', width: 16, kind: 'text', value: (row) => LABELS.source[row.source].zh },
  { key: 'sourceEn', zh: '来源(英文)', en: 'Source (English)', width: 18, kind: 'text', value: (row) => LABELS.source[row.source].en },
  figure('found', '发现问题', 'Found'),
  figure('closedOnTime', '按期整改', 'Closed on time'),
  figure('closedLate', '逾期整改', 'Closed late'),
  figure('overdueAtMonthEnd', '月末逾期未改', 'Overdue at month end', 12),
  figure('relapses', '反弹', 'Relapses'),
];

/** The month's admonition interviews (约谈), one a line. */
const INTERVIEW_COLUMNS: ReportColumn<InterviewDto>[] = [
  { key: 'heldOn', zh: '约谈日期', en: 'Held on', width: 12, kind: 'date', value: (row) => row.heldOn },
  { key: 'departmentName', zh: '科室', en: 'Department', width: 18, kind: 'text', value: (row) => row.departmentName },
  { key: 'personName', zh: '约谈对象', en: 'Person', width: 14, kind: 'text', value: (row) => row.personName },
  { key: 'findings', zh: '涉及问题数', en: 'Findings', width: 10, kind: 'number', value: (row) => row.findingIds.length },
  { key: 'summary', zh: '约谈内容', en: 'Summary', width: 60, kind: 'text', value: (row) => row.summary },
  { key: 'recordedByName', zh: '记录人', en: 'Recorded by', width: 14, kind: 'text', value: (row) => row.recordedByName },
];

/**
 * The monthly tracking workbook: a summary sheet, one sheet per round type, and one by source,
 * departments grouped by Party branch, rows with work overdue at month end filled red; last, the
 * month's admonition interviews the reader may see.
 */
export async function writeMonthlyWorkbook(output: Writable, report: MonthlyTrackingDto, generatedAt: Date, interviews: InterviewDto[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const at = DateTime.fromJSDate(generatedAt, { zone: report.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const source = report.source ? ` — 来源 source: ${LABELS.source[report.source].zh}` : '';
  const title = (what: string) => `${report.month} ${what}${source} — 生成于 generated ${at} (${report.timeZone})`;
  const sheets: [string, string, DepartmentAssessmentDto[]][] = [
    ['汇总', '三查房整改月度跟踪 Monthly tracking', report.items],
    ...ROUND_TYPES.map((type): [string, string, DepartmentAssessmentDto[]] => [LABELS.roundType[type].zh, `${LABELS.roundType[type].zh} ${type}`, report.byRoundType[type]]),
  ];
  const zone = new ZoneTime(report.timeZone);
  for (const [name, heading, rows] of sheets) {
    const sheet = reportSheet(workbook, name, title(heading), MONTHLY_COLUMNS, zone);
    for (const row of groupedByBranch(rows)) sheet.add(row, row.overdueAtMonthEnd > 0);
    sheet.commit();
  }
  const bySource = reportSheet(workbook, '按来源', title('按问题来源 By source'), SOURCE_COLUMNS, zone);
  for (const row of report.bySource) bySource.add(row, row.overdueAtMonthEnd > 0);
  bySource.commit();
  const interviewSheet = reportSheet(workbook, '约谈', title('约谈记录 Admonition interviews'), INTERVIEW_COLUMNS, zone);
  for (const interview of interviews) interviewSheet.add(interview);
  interviewSheet.commit();
  await workbook.commit();
}
