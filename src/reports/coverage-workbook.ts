import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Writable } from 'node:stream';
import { LABELS } from '../../workflows';
import type { CoverageDto, CoverageRowDto } from './coverage.dto';
import { ReportColumn, reportSheet } from './spreadsheet';
import { ZoneTime } from './zone-time';

const count = (key: 'planned' | 'held' | 'cancelled', zh: string, en: string): ReportColumn<CoverageRowDto> => ({ key, zh, en, width: 10, kind: 'number', value: (row) => row[key] });
const department: ReportColumn<CoverageRowDto>[] = [
  { key: 'departmentCode', zh: '科室编码', en: 'Code', width: 10, kind: 'text', value: (row) => row.departmentCode },
  { key: 'departmentName', zh: '科室', en: 'Department', width: 18, kind: 'text', value: (row) => row.departmentName },
  { key: 'roundType', zh: '查房类型', en: 'Round type', width: 12, kind: 'text', value: (row) => LABELS.roundType[row.roundType].zh },
];

/** A department's coverage by one round type. */
export const COVERAGE_COLUMNS: ReportColumn<CoverageRowDto>[] = [
  ...department,
  count('planned', '计划查房', 'Planned'),
  count('held', '已查房', 'Held'),
  count('cancelled', '已取消', 'Cancelled'),
  { key: 'lastVisit', zh: '最近查房日期', en: 'Last visit', width: 14, kind: 'date', value: (row) => row.lastVisit },
];

/**
 * The coverage workbook: every department by round type, those not visited in the period filled
 * red; then the departments not visited, one a line by type.
 */
export async function writeCoverageWorkbook(output: Writable, report: CoverageDto, generatedAt: Date): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const at = DateTime.fromJSDate(generatedAt, { zone: report.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  const period = report.month ? `${report.year}-${report.month}` : report.year;
  const title = (what: string) => `${period} ${what} — 生成于 generated ${at} (${report.timeZone})`;
  const zone = new ZoneTime(report.timeZone);
  const coverage = reportSheet(workbook, '覆盖', title('查房覆盖 Coverage'), COVERAGE_COLUMNS, zone);
  for (const row of report.items) coverage.add(row, row.held === 0);
  coverage.commit();
  const notVisited = reportSheet(workbook, '未查房', title('未查房科室 Not visited'), department, zone);
  for (const row of report.items.filter((item) => item.held === 0)) notVisited.add(row);
  notVisited.commit();
  await workbook.commit();
}
