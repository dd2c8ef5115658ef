import ExcelJS from 'exceljs';
import { LABELS, REGISTERED_SOURCES, ROUND_TYPES, SEVERITIES, type Label } from '../../workflows';
import type { DepartmentEntity } from '../identity/department.entity';
import { LIST_COLUMNS } from './problem-list';

const HEADER_FONT = { bold: true };

/**
 * The problem-list template (GET /findings/import/template): a sheet with the Chinese headers and,
 * below them, the field keys, then a sheet of the codes its cells take (departments, sources,
 * round types, severities), each with the name people read. Values are written as strings (shared
 * strings), so a department's name never becomes a formula.
 */
export async function listTemplate(departments: Pick<DepartmentEntity, 'code' | 'name'>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const list = workbook.addWorksheet('问题清单', { views: [{ state: 'frozen', ySplit: 2 }] });
  list.columns = LIST_COLUMNS.map((column) => ({ key: column.key, width: column.key === 'description' ? 40 : column.key === 'title' ? 30 : 16 }));
  list.addRow(LIST_COLUMNS.map((column) => (column.required ? `${column.zh}*` : column.zh))).font = HEADER_FONT;
  list.addRow(LIST_COLUMNS.map((column) => column.key)).font = { italic: true, color: { argb: 'FF808080' } };

  const codes = workbook.addWorksheet('编码说明');
  codes.columns = [{ width: 16 }, { width: 20 }, { width: 30 }];
  codes.addRow(['类别 kind', '编码 code', '名称 name']).font = HEADER_FONT;
  const labelled = (kind: string, identifiers: readonly string[], labels: Record<string, Label>) =>
    identifiers.forEach((identifier) => codes.addRow([kind, identifier, `${labels[identifier].zh} ${labels[identifier].en}`]));
  for (const department of departments) codes.addRow(['departmentCode', department.code, department.name]);
  labelled('source', REGISTERED_SOURCES, LABELS.source);
  labelled('roundType', ROUND_TYPES, LABELS.roundType);
  labelled('severity', SEVERITIES, LABELS.severity);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
