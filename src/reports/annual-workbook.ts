import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Writable } from 'node:stream';
import { LABELS, ROUND_TYPES } from '../../workflows';
import type { AnnualTrackingDto, BranchAssessmentDto, DepartmentAssessmentDto, VetoDto } from '../assessments/assessment.dto';
import { MONTHLY_COLUMNS, groupedByBranch } from './monthly-workbook';
import { ReportColumn, reportSheet } from './spreadsheet';
import { ZoneTime } from './zone-time';

const count = <Row>(key: keyof Row & string, zh: string, en: string, width = 10): ReportColumn<Row> => ({ key, zh, en, width, kind: 'number', value: (row) => row[key] });

/** A Party branch's year, one a line. */
export const BRANCH_COLUMNS: ReportColumn<BranchAssessmentDto>[] = [
  { key: 'partyBranchCode', zh: '支部编码', en: 'Code', width: 10, kind: 'text', value: (row) => row.partyBranchCode },
  { key: 'partyBranchName', zh: '党支部', en: 'Party branch', width: 18, kind: 'text', value: (row) => row.partyBranchName },
  count('departments', '科室数', 'Departments'),
  count('inspected', '受检科室', 'Inspected'),
  count('roundsHeld', '查房次数', 'Rounds held'),
  count('averageAssessment', '平均考核得分', 'Average assessment', 12),
  count('found', '发现问题', 'Found'),
  count('closedOnTime', '按期整改', 'Closed on time'),
  count('closedLate', '逾期整改', 'Closed late'),
  count('overdueAtMonthEnd', '月末逾期未改', 'Overdue at month ends', 12),
  count('relapses', '反弹', 'Relapses'),
  count('vetoes', '一票否决', 'Vetoes'),
  count('vetoedDepartments', '被否决科室', 'Vetoed departments', 12),
  { key: 'grade', zh: '考核等级', en: 'Grade', width: 20, kind: 'text', value: (row) => row.gradeLabel.zh },
  count('rank', '支部排名', 'Rank'),
];

/** The year's vetoes; round and item blank where the reader may not see them (integrity, outside integrity). */
export const VETO_COLUMNS: ReportColumn<VetoDto>[] = [
  { key: 'day', zh: '查房日期', en: 'Round date', width: 12, kind: 'date', value: (row) => row.day },
  { key: 'departmentName', zh: '科室', en: 'Department', width: 18, kind: 'text', value: (row) => row.departmentName },
  { key: 'partyBranchName', zh: '党支部', en: 'Party branch', width: 16, kind: 'text', value: (row) => row.partyBranchName },
  { key: 'roundType', zh: '查房类型', en: 'Round type', width: 10, kind: 'text', value: (row) => LABELS.roundType[row.roundType].zh },
  { key: 'roundId', zh: '查房编号', en: 'Round', width: 38, kind: 'text', value: (row) => row.roundId },
  { key: 'itemCode', zh: '否决项', en: 'Bottom-line item', width: 12, kind: 'text', value: (row) => row.itemCode },
];

/**
 * The annual workbook: the year's summary sheet, one sheet per round type (departments grouped by
 * Party branch, the same columns as the monthly workbook, counts summed over the months), one for
 * the Party branches and one for the year's vetoes.
 */
export async function writeAnnualWorkbook(output: Writable, report: AnnualTrackingDto, generatedAt: Date): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const at = DateTime.fromJSDate(generatedAt, { zone: report.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const source = report.source ? ` — 来源 source: ${LABELS.source[report.source].zh}` : '';
  const title = (what: string) => `${report.year} ${what}${source} — 生成于 generated ${at} (${report.timeZone})`;
  const zone = new ZoneTime(report.timeZone);
  const sheets: [string, string, DepartmentAssessmentDto[]][] = [
    ['汇总', '三查房年度考核 Annual assessment', report.items],
    ...ROUND_TYPES.map((type): [string, string, DepartmentAssessmentDto[]] => [LABELS.roundType[type].zh, `${LABELS.roundType[type].zh} ${type}`, report.byRoundType[type]]),
  ];
  for (const [name, heading, rows] of sheets) {
    const sheet = reportSheet(workbook, name, title(heading), MONTHLY_COLUMNS, zone);
    for (const row of groupedByBranch(rows)) sheet.add(row, row.gradeCause !== null);
    sheet.commit();
  }
  const branches = reportSheet(workbook, '党支部', title('党支部年度考核 Party branches'), BRANCH_COLUMNS, zone);
  for (const row of report.branches) branches.add(row, row.vetoedDepartments > 0);
  branches.commit();
  const vetoes = reportSheet(workbook, '一票否决', title('一票否决 Vetoes'), VETO_COLUMNS, zone);
  for (const row of report.vetoes) vetoes.add(row);
  vetoes.commit();
  await workbook.commit();
}
