import { HttpStatus } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';
import { fromBuffer } from 'file-type';
import { extname } from 'node:path';
import { ApiException, InvalidInputException } from '../common/api-error';

/** The columns of a problem list, in the template's order: the field key (the template's second row) and the header people read. */
export const LIST_COLUMNS = [
  { key: 'source', zh: '问题来源', required: true },
  { key: 'roundType', zh: '查房类型', required: true },
  { key: 'title', zh: '问题', required: true },
  { key: 'description', zh: '问题描述', required: true },
  { key: 'severity', zh: '严重程度', required: true },
  { key: 'departmentCode', zh: '责任科室编码', required: true },
  { key: 'responsiblePerson', zh: '责任人（用户名）', required: false },
  { key: 'location', zh: '地点', required: false },
  { key: 'deadline', zh: '整改时限', required: false },
  { key: 'externalRef', zh: '原清单编号', required: false },
] as const;

export type ListColumn = (typeof LIST_COLUMNS)[number]['key'];

/** One row of the list as read: its number as a spreadsheet shows it, and its cells' text, trimmed; empty cells left out. */
export interface ListRow {
  row: number;
  cells: Partial<Record<ListColumn, string>>;
}

export interface ProblemList {
  format: 'xlsx' | 'csv';
  rows: ListRow[];
}

const FILE = 'file';
const XLSX_NAMES = ['.xlsx', ''];
const CSV_NAMES = ['.csv', '.txt', ''];
/** How much larger than the file its unpacked parts may be: a zip of a few megabytes can unpack to gigabytes. */
const UNPACKED_RATIO = 20;

const unsupported = (reason: string) => new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `The list was refused: ${reason}`, [{ field: FILE, reason }]);
const unreadable = (reason: string) => new InvalidInputException([{ field: FILE, reason }]);
const tooMany = (rows: number, maxRows: number) =>
  new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, `The list has ${rows} rows or more, over the limit of ${maxRows}`, [{ field: FILE, reason: `has more than ${maxRows} rows` }]);

/**
 * Reads a problem list: an xlsx workbook (its first sheet) or UTF-8 CSV (with or without a BOM),
 * told apart by content, with a name that agrees. The first row holds the headers (the field keys
 * or the Chinese headers); a second row of headers, as in the template, is skipped. Blank rows are
 * skipped. Cells are text as typed: a formula is read as its text (`=…`), never evaluated.
 * 415 for other content, 413 past `maxRows`, 400 for a list that cannot be read or has no rows.
 */
export async function readProblemList(content: Buffer, fileName: string, maxRows: number): Promise<ProblemList> {
  const detected = await fromBuffer(content);
  const extension = extname(fileName).toLowerCase();
  let format: ProblemList['format'];
  let table: string[][];
  if (detected?.ext === 'xlsx') {
    if (!XLSX_NAMES.includes(extension)) throw unsupported(`its content is an xlsx workbook, but its name ends in "${extension}"`);
    format = 'xlsx';
    table = await xlsxTable(content, maxRows);
  } else {
    const text = detected ? null : utf8(content);
    if (text === null) throw unsupported(`its content is ${detected ? detected.mime : 'neither an xlsx workbook nor UTF-8 text'}; send the template as xlsx, or CSV in UTF-8`);
    if (!CSV_NAMES.includes(extension)) throw unsupported(`its content is text (CSV), but its name ends in "${extension}"`);
    format = 'csv';
    table = csvTable(text);
  }
  return { format, rows: listRows(table, maxRows) };
}

/** The text, or null unless it is UTF-8 (a BOM dropped) free of U+0000: a binary file is no list. */
function utf8(content: Buffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

function csvTable(text: string): string[][] {
  try {
    return parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (error) {
    throw unreadable(`could not be read as CSV: ${(error as Error).message}`);
  }
}

async function xlsxTable(content: Buffer, maxRows: number): Promise<string[][]> {
  if (!unpacksWithin(content, content.length * UNPACKED_RATIO + 1_048_576)) {
    throw unreadable('could not be read as an xlsx workbook of a problem list: it does not unzip, or unpacks to far more than a problem list holds');
  }
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type, which Node 20's generic Buffer does not match.
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw unreadable('could not be read as an xlsx workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable('has no sheet');
  const table: string[][] = [];
  // Header rows, then the list: a sheet with more rows than that is refused before they are read.
  if (sheet.actualRowCount > maxRows + 2) throw tooMany(sheet.actualRowCount - 2, maxRows);
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => (cells[column - 1] = cellText(cell)));
    table[number - 1] = Array.from(cells, (cell) => cell ?? '');
  });
  return Array.from(table, (row) => row ?? []);
}

/** A cell as typed: a formula as its text, a date as YYYY-MM-DD (or with its time), anything else as Excel shows it. */
function cellText(cell: ExcelJS.Cell): string {
  if (cell.type === ExcelJS.ValueType.Formula) return `=${cell.formula}`;
  if (cell.value instanceof Date) {
    // Excel keeps wall-clock time with no zone; exceljs hands it over as that time in UTC.
    const iso = cell.value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16);
  }
  return cell.text;
}

/**
 * Whether every part of the xlsx's zip unpacks, all together, to at most `budget` bytes: each is
 * really inflated here, with zlib stopping at what is left of the budget, since the sizes a zip
 * declares may lie (a small file could otherwise make the service unpack gigabytes). False when the
 * zip cannot be read.
 */
function unpacksWithin(zip: Buffer, budget: number): boolean {
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  const LOCAL = 0x04034b50;
  for (let end = zip.length - 22; end >= Math.max(0, zip.length - 65_557); end--) {
    if (zip.readUInt32LE(end) !== END) continue;
    const entries = zip.readUInt16LE(end + 10);
    let offset = zip.readUInt32LE(end + 16);
    let left = budget;
    try {
      for (let i = 0; i < entries; i++) {
        if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== ENTRY) return false;
        const method = zip.readUInt16LE(offset + 10);
        const compressedSize = zip.readUInt32LE(offset + 20);
        const local = zip.readUInt32LE(offset + 42);
        if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) return false;
        const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        if (dataStart + compressedSize > zip.length) return false;
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) left -= data.length;
        else if (method === 8) left -= inflateRawSync(data, { maxOutputLength: Math.max(1, left) }).length;
        else return false;
        if (left < 0) return false;
        offset += 46 + zip.readUInt16LE(offset + 28) + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
      }
    } catch {
      // Over the budget (zlib's RangeError), or not deflate data at all.
      return false;
    }
    return true;
  }
  return false;
}

const BY_HEADER = new Map<string, ListColumn>(LIST_COLUMNS.flatMap((column) => [[column.key.toLowerCase(), column.key], [column.zh, column.key]]));

/** The columns a header row names, by position; null when a cell of it is no header. */
function headerRow(cells: string[]): (ListColumn | null)[] | null {
  // The template marks required columns with an asterisk.
  const named = cells.map((cell) => cell.trim().replace(/\*$/, ''));
  if (named.every((cell) => cell === '')) return null;
  const columns = named.map((cell) => (cell === '' ? null : (BY_HEADER.get(cell.toLowerCase()) ?? BY_HEADER.get(cell) ?? undefined)));
  return columns.includes(undefined) ? null : (columns as (ListColumn | null)[]);
}

function listRows(table: string[][], maxRows: number): ListRow[] {
  const first = headerRow(table[0] ?? []);
  if (!first) {
    const known = LIST_COLUMNS.map((column) => column.key).join(', ');
    const unknown = (table[0] ?? []).map((cell) => cell.trim().replace(/\*$/, '')).filter((cell) => cell !== '' && !BY_HEADER.has(cell.toLowerCase()) && !BY_HEADER.has(cell));
    const named = unknown.length > 0 ? ` (not headers: ${unknown.slice(0, 5).map((cell) => JSON.stringify(cell.slice(0, 40))).join(', ')})` : '';
    throw unreadable(`must begin with a row of headers${named}: the template's, or the field keys: ${known}; download GET /findings/import/template`);
  }
  // The template's second row, the field keys, says the same as its first.
  const second = headerRow(table[1] ?? []);
  const columns = second ?? first;
  const seen = new Set<ListColumn>();
  for (const column of columns) {
    if (column && seen.has(column)) throw unreadable(`has the column ${column} twice`);
    if (column) seen.add(column);
  }
  const missing = LIST_COLUMNS.filter((column) => column.required && !seen.has(column.key)).map((column) => column.key);
  if (missing.length > 0) throw unreadable(`lacks the column(s) ${missing.join(', ')}`);
  const rows: ListRow[] = [];
  for (let index = second ? 2 : 1; index < table.length; index++) {
    const cells: ListRow['cells'] = {};
    (table[index] ?? []).forEach((text, position) => {
      const column = columns[position];
      const value = text.trim();
      if (column && value !== '') cells[column] = value;
    });
    if (Object.keys(cells).length === 0) continue;
    if (rows.length === maxRows) throw tooMany(maxRows + 1, maxRows);
    rows.push({ row: index + 1, cells });
  }
  if (rows.length === 0) throw unreadable('holds no rows below its headers');
  return rows;
}
