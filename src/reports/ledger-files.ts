import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Writable } from 'node:stream';
import { LEDGER_COLUMNS, LedgerRow } from './ledger';

const OVERDUE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE2E2' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

/** Writes the ledger as rows arrive, so a large export never sits in memory. */
export interface LedgerWriter {
  add(rows: LedgerRow[]): Promise<void>;
  end(): Promise<void>;
}

/**
 * An xlsx workbook streamed with exceljs: a title row with the filter and the time generated, a
 * frozen header row with an autofilter, real dates, and overdue rows filled red.
 */
export function xlsxLedger(output: Writable, title: string, timeZone: string): LedgerWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('问题台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = LEDGER_COLUMNS.map((column) => ({ key: column.key, width: column.width }));
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 13 };
  sheet.mergeCells(1, 1, 1, LEDGER_COLUMNS.length);
  titleRow.commit();
  const header = sheet.addRow(LEDGER_COLUMNS.map((column) => column.zh));
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  header.commit();
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: LEDGER_COLUMNS.length } };
  // Excel has no time zones: an instant is written as the hospital's wall-clock time.
  const wallClock = (instant: Date) => new Date(instant.getTime() + DateTime.fromJSDate(instant, { zone: timeZone }).offset * 60_000);
  return {
    async add(rows) {
      for (const row of rows) {
        const line = sheet.addRow(
          LEDGER_COLUMNS.map((column) => {
            const value = column.value(row);
            if (value === null || value === undefined) return null;
            if (column.kind === 'date') return new Date(`${String(value)}T00:00:00Z`);
            if (column.kind === 'instant') return wallClock(value as Date);
            return value;
          }),
        );
        LEDGER_COLUMNS.forEach((column, i) => {
          if (column.kind === 'date') line.getCell(i + 1).numFmt = 'yyyy-mm-dd';
          if (column.kind === 'instant') line.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
        });
        // Still open and past its deadline (settled findings count no days, or stopped counting).
        if ((row.daysOverdue ?? 0) > 0 && row.closedAt === null) line.eachCell((cell) => (cell.fill = OVERDUE_FILL));
        line.commit();
      }
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** CSV in UTF-8 with a byte-order mark, so Excel reads the Chinese right; instants in ISO 8601 with the zone's offset. */
export function csvLedger(output: Writable, timeZone: string): LedgerWriter {
  const toLocal = (instant: Date) => DateTime.fromJSDate(instant, { zone: timeZone }).toISO()!;
  const csv = stringify({ bom: true, header: true, columns: LEDGER_COLUMNS.map((column) => ({ key: column.key, header: column.zh })) });
  csv.pipe(output);
  const write = (record: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => (csv.write(record, (error) => (error ? reject(error) : resolve()))));
  return {
    async add(rows) {
      for (const row of rows) {
        await write(
          Object.fromEntries(
            LEDGER_COLUMNS.map((column) => {
              const value = column.value(row);
              return [column.key, column.kind === 'instant' && value ? toLocal(value as Date) : value];
            }),
          ),
        );
      }
    },
    end: () => new Promise<void>((resolve) => csv.end(resolve)),
  };
}
