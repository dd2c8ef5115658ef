import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Clock } from '../src/common/clock';
import { DeadlineScheduler } from '../src/deadlines/deadline-scheduler';
import { LEDGER_COLUMNS, LIGHT_NAMES, ROUND_TYPE_NAMES, SOURCE_NAMES, STATE_NAMES } from '../src/reports/ledger';
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

describe(`reports (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  const ids: Record<'closed' | 'open' | 'integrity' | 'surgery', string> = { closed: '', open: '', integrity: '', surgery: '' };

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    now = new Date('2026-11-02T02:00:00Z');
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));

    ids.closed = (await flow.assignedFinding('administrative', { severity: 'critical', title: '消防通道堵塞 fire exit blocked' })).findingId;
    await flow.send('cardiologyStaff', ids.closed, { type: 'SUBMIT_PLAN', measures: '清理通道 cleared', committedDate: '2026-11-05' });
    now = new Date('2026-11-04T02:00:00Z');
    await flow.submitEvidence('cardiologyStaff', ids.closed, '已清理 photos of the cleared exit');
    await flow.send('adminVerifier', ids.closed, { type: 'VERIFY_ACCEPT' });
    now = new Date('2026-11-06T02:00:00Z');
    await flow.send('discipline', ids.closed, { type: 'AUDIT_APPROVE' });
    now = new Date('2026-11-02T03:00:00Z');
    ids.open = (await flow.assignedFinding('administrative', { title: '抢救车药品过期 expired drugs' })).findingId;
    now = new Date('2026-11-02T03:10:00Z');
    ids.integrity = (await flow.assignedFinding('integrity', { title: '收受红包线索 a lead on gifts' })).findingId;
    now = new Date('2026-11-02T03:20:00Z');
    const theatre = await flow.startedRound('administrative', h.departments.surgery);
    ids.surgery = await flow.logFinding(theatre, 'administrative', { responsibleDepartmentId: h.departments.surgery, title: '手术室温度 theatre temperature' });
    await flow.as('lead').post(`/rounds/${theatre}/events`, { type: 'SUBMIT' }).expect(200);
    // 2 December: the open finding's 15 days (to 17 November) have passed.
    now = new Date('2026-12-02T02:00:00Z');
  });

  afterAll(() => t.close());

  const ledger = async (who: keyof Hospital['users'], query = '') => (await flow.as(who).get(`/reports/ledger?limit=500${query}`).expect(200)).body;
  const titles = (body: { items: { findingId: string }[] }) => body.items.map((row) => Object.entries(ids).find(([, id]) => id === row.findingId)?.[0]);

  describe('the ledger', () => {
    it('holds exactly what the caller may see', async () => {
      expect(titles(await ledger('cardiologyStaff'))).toEqual(['closed', 'open', 'integrity']);
      expect(titles(await ledger('surgeryStaff'))).toEqual(['surgery']);
      expect(titles(await ledger('admin'))).toEqual(['closed', 'open', 'surgery']);
      expect(titles(await ledger('adminVerifier'))).toEqual(['closed', 'open', 'surgery']);
      expect(titles(await ledger('discipline'))).toEqual(['closed', 'open', 'integrity', 'surgery']);
    });

    it('fills every column from the finding, its round, its department and its verifier', async () => {
      const body = await ledger('discipline');
      expect(body).toMatchObject({ total: 4, limit: 500, offset: 0, filter: {} });
      const [closed, open] = body.items;
      expect(closed).toEqual({
        index: 1,
        findingId: ids.closed,
        source: 'round',
        roundType: 'administrative',
        roundDate: '2026-11-24',
        department: (await t.dataSource.query(`SELECT "name" FROM "departments" WHERE "id" = '${h.departments.cardiology}'`))[0].name,
        partyBranch: null,
        responsiblePerson: null,
        title: '消防通道堵塞 fire exit blocked',
        severity: 'critical',
        state: 'closed',
        timeliness: 'on_track',
        light: null,
        receipt: 'acknowledged',
        deadline: '2026-11-09T15:59:59.999Z',
        committedDate: '2026-11-05',
        // Closed on 6 November, within the deadline but a day after the date its plan committed to: late by one day.
        daysOverdue: 1,
        measures: '清理通道 cleared',
        evidenceNote: '已清理 photos of the cleared exit',
        verifier: expect.any(String),
        closedAt: '2026-11-06T02:00:00.000Z',
        daysToClose: 4,
        reopenCount: 0,
      });
      expect(open).toMatchObject({ index: 2, state: 'assigned', deadline: '2026-11-17T15:59:59.999Z', committedDate: null, daysOverdue: 15, closedAt: null, daysToClose: null, verifier: null });
    });

    it('filters as the findings list does, and by the days of logging and closing', async () => {
      expect(titles(await ledger('discipline', '&state=closed'))).toEqual(['closed']);
      expect(titles(await ledger('discipline', `&responsibleDepartmentId=${h.departments.surgery}`))).toEqual(['surgery']);
      expect(titles(await ledger('discipline', '&closedFrom=2026-11-06&closedTo=2026-11-06'))).toEqual(['closed']);
      expect(titles(await ledger('discipline', '&closedFrom=2026-11-07'))).toEqual([]);
      // Logged at 10:00 on 2 November in Shanghai; the other three at 11:00 on the same day.
      expect(titles(await ledger('discipline', '&createdFrom=2026-11-02&createdTo=2026-11-02'))).toHaveLength(4);
      expect(titles(await ledger('discipline', '&createdTo=2026-11-01'))).toEqual([]);
      const page = await flow.as('discipline').get('/reports/ledger?limit=2&offset=2').expect(200);
      expect(page.body.items.map((row: { index: number }) => row.index)).toEqual([3, 4]);
      const bad = await flow.as('discipline').get('/reports/ledger?format=pdf&createdFrom=2026-13-01').expect(400);
      expect(bad.body.details.map((p: { field: string }) => p.field).sort()).toEqual(['createdFrom', 'format']);
    });

    it('opens in Excel as the JSON reads: title, frozen header with a filter, real dates, overdue rows red', async () => {
      const json = await ledger('cardiologyStaff');
      const response = await flow.as('cardiologyStaff').get('/reports/ledger?format=xlsx').buffer(true).parse(binary).expect(200);
      expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as never);
      const sheet = workbook.getWorksheet('问题台账')!;
      expect(String(sheet.getCell('A1').value)).toMatch(/^问题台账 Issue ledger — 筛选 filter: 全部 all — 生成于 generated 2026-12-02 10:00 \(Asia\/Shanghai\)$/);
      expect(sheet.getRow(2).values).toEqual([undefined, ...LEDGER_COLUMNS.map((column) => column.zh)]);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(sheet.autoFilter).toBe('A2:W2');
      expect(sheet.rowCount).toBe(2 + json.items.length);
      // The cell of a column by its key, so the test reads the sheet as a person does, by heading.
      const column = (key: string) => 1 + LEDGER_COLUMNS.findIndex((c) => c.key === key);
      json.items.forEach((row: Record<string, any>, i: number) => {
        const cells = sheet.getRow(3 + i);
        const cell = (key: string) => cells.getCell(column(key));
        expect(cell('index').value).toBe(row.index);
        expect(cell('source').text).toBe(SOURCE_NAMES[row.source as keyof typeof SOURCE_NAMES]);
        expect(cell('roundType').text).toBe(ROUND_TYPE_NAMES[row.roundType as keyof typeof ROUND_TYPE_NAMES]);
        expect(cell('roundDate').value).toEqual(new Date(`${row.roundDate}T00:00:00Z`));
        expect(cell('title').text).toBe(row.title);
        expect(cell('state').text).toBe(STATE_NAMES[row.state as keyof typeof STATE_NAMES]);
        expect(cell('stateEn').text).toBe(row.state);
        expect(cell('light').text || null).toBe(row.light ? LIGHT_NAMES[row.light as keyof typeof LIGHT_NAMES] : null);
        // Wall-clock time in Shanghai, as Excel shows it.
        expect(cell('deadline').value).toEqual(new Date(Date.parse(row.deadline) + 8 * 3_600_000));
        expect(cell('deadline').numFmt).toBe('yyyy-mm-dd hh:mm');
        expect(cell('committedDate').value ?? null).toEqual(row.committedDate ? new Date(`${row.committedDate}T00:00:00Z`) : null);
        expect(cell('daysOverdue').value).toBe(row.daysOverdue);
        expect(cell('measures').text || null).toBe(row.measures);
        expect(cell('closedAt').value ?? null).toEqual(row.closedAt ? new Date(Date.parse(row.closedAt) + 8 * 3_600_000) : null);
        expect(cell('reopenCount').value).toBe(row.reopenCount);
        const fill = cell('title').fill as ExcelJS.FillPattern | undefined;
        expect(fill?.fgColor?.argb === 'FFFDE2E2').toBe(row.daysOverdue > 0 && row.closedAt === null);
      });
      expect((sheet.getRow(4).getCell(column('title')).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFDE2E2');
    });

    it('exports CSV in UTF-8 with a BOM, Chinese headers, and the same rows', async () => {
      const json = await ledger('discipline');
      const response = await flow.as('discipline').get('/reports/ledger?format=csv').buffer(true).parse(binary).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const text = (response.body as Buffer).toString('utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const records: string[][] = parse(text.slice(1));
      expect(records[0]).toEqual(LEDGER_COLUMNS.map((column) => column.zh));
      expect(records).toHaveLength(1 + json.items.length);
      const field = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key);
      expect(records[1][field('title')]).toBe('消防通道堵塞 fire exit blocked');
      expect(records[1][field('source')]).toBe('查房发现');
      expect(records[1][field('deadline')]).toBe('2026-11-09T23:59:59.999+08:00');
      expect(records[1][field('committedDate')]).toBe('2026-11-05');
      expect(records.slice(1).map((record) => record[0])).toEqual(['1', '2', '3', '4']);
    });
  });

  describe('the dashboard', () => {
    it('counts open findings by state, timeliness, department and round type, within what the caller may see', async () => {
      // The scheduler is off in tests: fire what time owes (due soon, overdue, then three escalations by 2 December).
      await t.app.get(DeadlineScheduler).runDue();
      const discipline = (await flow.as('discipline').get('/dashboard').expect(200)).body;
      expect(discipline.openByState).toEqual({ assigned: { escalated: 3 } });
      const red = (count: number) => ({ red: count, yellow: 0, green: 0 });
      expect(discipline.openByLight).toEqual(red(3));
      expect(discipline.byDepartment).toEqual({ [h.departments.cardiology]: { open: 2, overdue: 2, lights: red(2) }, [h.departments.surgery]: { open: 1, overdue: 1, lights: red(1) } });
      expect(discipline.byRoundType).toEqual({ administrative: { open: 2, overdue: 2, lights: red(2) }, integrity: { open: 1, overdue: 1, lights: red(1) } });
      // All three passed the same deadline (the end of 17 November).
      expect(discipline.oldestOverdue.map((finding: { id: string }) => finding.id).sort()).toEqual([ids.open, ids.integrity, ids.surgery].sort());

      const admin = (await flow.as('admin').get('/dashboard').expect(200)).body;
      expect(admin.byRoundType).toEqual({ administrative: { open: 2, overdue: 2, lights: red(2) } });
      // The integrity finding's red light is not the administrator's to count.
      expect(admin.openByLight).toEqual(red(2));
      const surgery = (await flow.as('surgeryStaff').get('/dashboard').expect(200)).body;
      expect(surgery.byDepartment).toEqual({ [h.departments.surgery]: { open: 1, overdue: 1, lights: red(1) } });
      expect(surgery.oldestOverdue.map((finding: { id: string }) => finding.id)).toEqual([ids.surgery]);
    });

    it('counts findings logged and closed per week over twelve weeks, Monday to Sunday in the hospital zone', async () => {
      const { weeks } = (await flow.as('discipline').get('/dashboard').expect(200)).body;
      expect(weeks).toHaveLength(12);
      // 2 December 2026 is a Wednesday: its week began on Monday 30 November.
      expect(weeks[11].week).toBe('2026-11-30');
      expect(weeks[0].week).toBe('2026-09-14');
      const week = (day: string) => weeks.find((w: { week: string }) => w.week === day);
      expect(week('2026-11-02')).toEqual({ week: '2026-11-02', opened: 4, closed: 1 });
      expect(weeks.reduce((sum: number, w: { opened: number }) => sum + w.opened, 0)).toBe(4);
      expect((await flow.as('cardiologyStaff').get('/dashboard').expect(200)).body.weeks.find((w: { week: string }) => w.week === '2026-11-02')).toEqual({
        week: '2026-11-02',
        opened: 3,
        closed: 1,
      });
    });
  });
});
