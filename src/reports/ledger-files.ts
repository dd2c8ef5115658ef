import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { LEDGER_COLUMNS, LedgerRow } from './ledger';
import { reportSheet } from './spreadsheet';
import type { ZoneTime } from './zone-time';

/** Writes the ledger as rows arrive, so a large export never sits in memory. */
export interface LedgerWriter {
  add(rows: LedgerRow[]): Promise<void>;
  end(): Promise<void>;
}

/** The ledger as one streamed xlsx sheet; rows still open past their deadline are filled red. */
export function xlsxLedger(output: Writable, title: string, zone: ZoneTime): LedgerWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = reportSheet(workbook, '问题台账', title, LEDGER_COLUMNS, zone);
  return {
    async add(rows) {
      // Settled findings count no days overdue, or stopped counting at closure.
      for (const row of rows) sheet.add(row, (row.daysOverdue ?? 0) > 0 && row.closedAt === null);
      await sheet.flushed();
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/**
 * CSV in UTF-8 with a byte-order mark, so Excel reads the Chinese right; instants in ISO 8601 with
 * the zone's offset. Text beginning with =, +, -, @, tab or carriage return is written after a `'`
 * (OWASP's rule against CSV injection), so a spreadsheet shows it and never runs it as a formula.
 */
export function csvLedger(output: Writable, zone: ZoneTime): LedgerWriter {
  const csv = stringify({
    bom: true,
    header: true,
    escape_formulas: true,
    columns: LEDGER_COLUMNS.map((column) => ({ key: column.key, header: column.zh })),
  });
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
              return [column.key, column.kind === 'instant' && value ? zone.iso(value as Date) : value];
            }),
          ),
        );
      }
    },
    end: () => new Promise<void>((resolve) => csv.end(resolve)),
  };
}
