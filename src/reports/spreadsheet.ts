import ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ZoneTime } from './zone-time';

export type ColumnKind = 'text' | 'number' | 'date' | 'instant';

/** One column of a report: the Chinese header people expect, the English one, its width and how to read it from a row. */
export interface ReportColumn<Row> {
  key: string;
  zh: string;
  en: string;
  width: number;
  kind: ColumnKind;
  value(row: Row): unknown;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
export const HIGHLIGHT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE2E2' } };

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `attachment` with the file name in RFC 5987 form, so a Chinese name survives. */
export const attachmentDisposition = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;

/**
 * A streamed sheet laid out the way every report's is: a bold title row across the columns, a
 * frozen header row with an autofilter, each column's width and number format, and a print layout.
 */
export function reportSheet<Row>(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, title: string, columns: ReportColumn<Row>[], zone: ZoneTime) {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 2 }],
    // Printed on A4 landscape, every column on the page, the title and header on every page.
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' },
  });
  sheet.columns = columns.map((column) => ({ key: column.key, width: column.width }));
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 13 };
  sheet.mergeCells(1, 1, 1, columns.length);
  titleRow.commit();
  const header = sheet.addRow(columns.map((column) => column.zh));
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  header.commit();
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: columns.length } };
  return {
    /** Writes `row` out at once; a highlighted row is filled red. */
    add(row: Row, highlighted = false): void {
      const line = sheet.addRow(
        columns.map((column) => {
          const value = column.value(row);
          if (value === null || value === undefined) return null;
          if (column.kind === 'date') return new Date(`${String(value)}T00:00:00Z`);
          // Excel has no time zones: an instant is written as the hospital's wall-clock time.
          if (column.kind === 'instant') return zone.wallClock(value as Date);
          // Text is an inline string (t="inlineStr"), neither a formula nor a formula's cached result
          // (exceljs writes a plain string as t="str"): text people typed, beginning with =, stays text.
          if (column.kind === 'text') return { richText: [{ text: String(value) }] };
          return value;
        }),
      );
      columns.forEach((column, i) => {
        if (column.kind === 'date') line.getCell(i + 1).numFmt = 'yyyy-mm-dd';
        if (column.kind === 'instant') line.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
      });
      if (highlighted) line.eachCell((cell) => (cell.fill = HIGHLIGHT_FILL));
      line.commit();
    },
    /**
     * exceljs hands a sheet's XML on towards the zip's compressor without heeding backpressure, so
     * a large sheet would pile up in memory uncompressed: this waits until what it was given has
     * moved on. (`stream.pipes` is exceljs's list of what its sheet stream feeds: archiver's
     * `readable-stream` PassThrough, whose state is read directly as it predates `writableNeedDrain`.)
     */
    async flushed(): Promise<void> {
      const { pipes } = (sheet as unknown as { stream: { pipes: (Writable & { _writableState?: { needDrain: boolean } })[] } }).stream;
      for (const pipe of pipes) if (pipe._writableState?.needDrain) await once(pipe, 'drain');
    },
    commit: () => sheet.commit(),
  };
}
