import { parse } from 'csv-parse/sync';
import { Clock } from '../src/common/clock';
import { DeadlineScheduler } from '../src/deadlines/deadline-scheduler';
import { LEDGER_COLUMNS } from '../src/reports/ledger';
import { LABELS } from '../workflows';
import { binaryBody } from './support/files';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Who = keyof Hospital['users'];

/**
 * The reports over findings from every source, on a clock the test drives (Asia/Shanghai, UTC+8):
 * complaints registered outside any round, judged on time by the date their plan committed to, a
 * follow-up check failing just after a month's end, and the supervision lights.
 */
describe(`reports over problem lists (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2026-11-02T02:00:00Z');
  const at = (iso: string) => (now = new Date(iso));
  /** The findings by what the test made of them. */
  const ids = { late: '', onTime: '', feedback: '', integrity: '', round: '', supervision: '' };
  const INTEGRITY_TITLE = '收受红包举报 a complaint about gifts';

  const register = async (who: Who, body: object): Promise<string> => {
    const finding = { description: 'd', severity: 'minor', responsibleDepartmentId: h.departments.cardiology, roundType: 'administrative', ...body };
    return (await flow.as(who).post('/findings', finding).expect(201)).body.id as string;
  };
  const plan = (who: Who, id: string, committedDate: string) => flow.send(who, id, { type: 'SUBMIT_PLAN', measures: 'm', committedDate });
  const json = async (who: Who, path: string) => (await flow.as(who).get(path).expect(200)).body;
  const named = (rows: { findingId?: string; id?: string }[]) =>
    rows.map((row) => Object.entries(ids).find(([, id]) => id === (row.findingId ?? row.id))?.[0]).sort();
  const ofSource = <T extends { source: string }>(rows: T[], source: string) => rows.find((row) => row.source === source);

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));

    // Monday 2 November, 10:00 in Shanghai: three lists' findings, each due 15 or 30 days on unless given a deadline.
    ids.late = await register('adminVerifier', { source: 'complaint', severity: 'major', title: '候诊时间过长 long waits', responsiblePersonId: h.users.cardiologyStaff.id });
    // Five minutes apart, so the ledger's order (by logging time) is known.
    at('2026-11-02T02:05:00Z');
    ids.onTime = await register('adminVerifier', { source: 'complaint', title: '窗口态度 rude counter staff' });
    ids.feedback = await register('adminVerifier', { source: 'patient_feedback', title: '回访不满意 unhappy at follow-up call', deadline: '2026-11-20' });
    ids.integrity = await register('discipline', { source: 'complaint', roundType: 'integrity', severity: 'major', title: INTEGRITY_TITLE, responsibleDepartmentId: h.departments.surgery });
    // The plans commit to dates well before the deadlines (17 November, 2 December).
    await plan('cardiologyStaff', ids.late, '2026-11-05');
    await plan('cardiologyStaff', ids.onTime, '2026-11-10');
    await plan('surgeryStaff', ids.integrity, '2026-11-10');

    // 6 November, 10:00: a day after the date committed to, well within the deadline: late.
    at('2026-11-06T02:00:00Z');
    await flow.submitEvidence('cardiologyStaff', ids.late, 'n');
    await flow.send('adminVerifier', ids.late, { type: 'VERIFY_ACCEPT' });
    await flow.submitEvidence('surgeryStaff', ids.integrity, 'n');
    await flow.send('discipline', ids.integrity, { type: 'VERIFY_ACCEPT' });
    await flow.send('auditor', ids.integrity, { type: 'AUDIT_APPROVE' });
    at('2026-11-08T02:00:00Z');
    await flow.submitEvidence('cardiologyStaff', ids.onTime, 'n');
    await flow.send('adminVerifier', ids.onTime, { type: 'VERIFY_ACCEPT' });

    // A round's finding on 24 November (due 9 December), signed for.
    at('2026-11-24T02:00:00Z');
    ids.round = (await flow.assignedFinding('administrative')).findingId;
    await flow.send('cardiologyStaff', ids.round, { type: 'ACKNOWLEDGE' });
    // Friday 27 November: a supervision finding, to be signed for within two working days (by Tuesday 1 December).
    at('2026-11-27T02:00:00Z');
    ids.supervision = await register('adminVerifier', { source: 'supervision', title: '消防检查 fire inspection', deadline: '2026-12-31' });
  });

  afterAll(() => t.close());

  describe('in November', () => {
    it('lists a registered complaint in the ledger with its source, responsible person, committed date and receipt', async () => {
      const page = await json('adminVerifier', '/reports/ledger?source=complaint&limit=500');
      expect(page.filter).toEqual({ source: 'complaint' });
      // The integrity complaint is not the president's office's to see.
      expect(named(page.items)).toEqual(['late', 'onTime']);
      const late = page.items.find((row: { findingId: string }) => row.findingId === ids.late);
      expect(late).toMatchObject({
        source: 'complaint',
        roundType: 'administrative',
        roundDate: null,
        responsiblePerson: 'card-staff',
        title: '候诊时间过长 long waits',
        state: 'closed',
        light: null,
        // The plan counts as signing for it.
        receipt: 'acknowledged',
        deadline: '2026-11-17T15:59:59.999Z',
        committedDate: '2026-11-05',
        daysOverdue: 1,
      });
      expect(page.items.find((row: { findingId: string }) => row.findingId === ids.onTime)).toMatchObject({ responsiblePerson: null, committedDate: '2026-11-10', daysOverdue: 0 });
      expect(named((await json('discipline', '/reports/ledger?source=complaint&limit=500')).items)).toEqual(['integrity', 'late', 'onTime']);
      expect(named((await json('discipline', '/reports/ledger?source=round&limit=500')).items)).toEqual(['round']);

      const csv = await flow.as('adminVerifier').get('/reports/ledger?format=csv&source=complaint').buffer(true).parse(binaryBody).expect(200);
      const [header, ...records]: string[][] = parse((csv.body as Buffer).toString('utf8').slice(1));
      const field = (record: string[], key: string) => record[header.indexOf(LEDGER_COLUMNS.find((column) => column.key === key)!.zh)];
      expect(records.map((record) => [field(record, 'source'), field(record, 'responsiblePerson'), field(record, 'committedDate'), field(record, 'receipt')])).toEqual([
        [LABELS.source.complaint.zh, 'card-staff', '2026-11-05', LABELS.state.acknowledged.zh],
        [LABELS.source.complaint.zh, '', '2026-11-10', LABELS.state.acknowledged.zh],
      ]);

      const bad = await flow.as('adminVerifier').get('/reports/ledger?source=rumour&light=blue').expect(400);
      expect(bad.body.details.map((problem: { field: string }) => problem.field).sort()).toEqual(['light', 'source']);
    });

    it('judges closed on time by the committed date, in the assessment, the monthly tracking and the notice', async () => {
      const november = await json('discipline', '/assessments?month=2026-11');
      const cardiology = november.items.find((item: { departmentId: string }) => item.departmentId === h.departments.cardiology);
      expect(cardiology).toMatchObject({ roundsHeld: 1, found: 5, closedOnTime: 1, closedLate: 1, overdueAtMonthEnd: 1, relapses: 0 });

      const notice = await json('adminVerifier', '/reports/notice?month=2026-11&format=json');
      expect(notice.lastClosed.map((f: { id: string; onTime: boolean; committedDue: string }) => [f.id, f.onTime, f.committedDue])).toEqual([
        [ids.onTime, true, '2026-11-10T15:59:59.999Z'],
        [ids.late, false, '2026-11-05T15:59:59.999Z'],
      ]);
      expect(notice).toMatchObject({ closed: 2, closedOnTime: 1 });
    });

    it('counts by source in the monthly tracking and the notice, and filters by it', async () => {
      const tracking = await json('adminVerifier', '/reports/monthly?month=2026-11');
      expect(ofSource(tracking.bySource, 'complaint')).toEqual({ source: 'complaint', found: 2, closedOnTime: 1, closedLate: 1, overdueAtMonthEnd: 0, relapses: 0 });
      expect(ofSource(tracking.bySource, 'round')).toMatchObject({ found: 1, overdueAtMonthEnd: 0 });
      // The patient's feedback was due on 20 November.
      expect(ofSource(tracking.bySource, 'patient_feedback')).toMatchObject({ found: 1, overdueAtMonthEnd: 1 });
      expect(ofSource(tracking.bySource, 'supervision')).toMatchObject({ found: 1, overdueAtMonthEnd: 0 });
      expect(ofSource((await json('discipline', '/reports/monthly?month=2026-11')).bySource, 'complaint')).toMatchObject({ found: 3, closedOnTime: 2, closedLate: 1 });

      // Complaints alone: no rounds count.
      const complaints = await json('discipline', `/assessments?month=2026-11&source=complaint&departmentId=${h.departments.cardiology}`);
      expect(complaints).toMatchObject({ source: 'complaint', items: [{ roundsHeld: 0, averageScore: null, found: 2, closedOnTime: 1, closedLate: 1, overdueAtMonthEnd: 0 }] });
      const rounds = await json('discipline', `/assessments?month=2026-11&source=round&departmentId=${h.departments.cardiology}`);
      expect(rounds.items).toMatchObject([{ roundsHeld: 1, found: 1, closedOnTime: 0, closedLate: 0 }]);

      const notice = await json('adminVerifier', '/reports/notice?month=2026-11&format=json');
      expect(notice.bySource).toEqual([
        { source: 'round', found: 1, closed: 0, onTime: 0, overdue: 0, relapses: 0 },
        { source: 'complaint', found: 2, closed: 2, onTime: 1, overdue: 0, relapses: 0 },
        { source: 'patient_feedback', found: 1, closed: 0, onTime: 0, overdue: 1, relapses: 0 },
        { source: 'supervision', found: 1, closed: 0, onTime: 0, overdue: 0, relapses: 0 },
      ]);
      const onlyComplaints = await json('adminVerifier', '/reports/notice?month=2026-11&format=json&source=complaint');
      expect(onlyComplaints).toMatchObject({ source: 'complaint', rounds: [], found: 2, closed: 2, overdue: 0 });
      expect(onlyComplaints.bySource.map((counts: { source: string }) => counts.source)).toEqual(['complaint']);
      const page = await flow.as('adminVerifier').get('/reports/notice?month=2026-11&source=complaint').expect(200);
      expect(page.text).toContain(`本通报仅统计来源为“${LABELS.source.complaint.zh}”的问题。`);
      await flow.as('adminVerifier').get('/reports/notice?month=2026-11&source=rumour').expect(400);
      await flow.as('adminVerifier').get('/assessments?month=2026-11&source=rumour').expect(400);
    });
  });

  describe('a follow-up check failing on 1 December, 00:30 in Shanghai', () => {
    /** November's figures as they stood before the relapse: a month once ended is never rewritten. */
    const november: Record<string, unknown> = {};
    beforeAll(async () => {
      at('2026-11-30T16:30:00Z');
      november.assessment = await json('discipline', '/assessments?month=2026-11');
      november.tracking = await json('adminVerifier', '/reports/monthly?month=2026-11');
      november.notice = await json('adminVerifier', '/reports/notice?month=2026-11&format=json');
      await flow.send('adminVerifier', ids.late, { type: 'FOLLOW_UP_FAILED', reason: '候诊又变长 the waits are back', deadline: '2026-12-20' });
      at('2026-12-02T02:00:00Z');
      await flow.send('discipline', ids.integrity, { type: 'FOLLOW_UP_FAILED', reason: 'again', deadline: '2026-12-20' });
      expect(await flow.auditEvents('findings', ids.late)).toContain('FOLLOW_UP_FAILED');
    });

    it("leaves November's assessment, tracking and notice as they were: its closures stay counted", async () => {
      // The notice's figures; its lines describe each finding as it stands now, and its lights and trend are of today.
      const figures = ({ generatedAt: _at, asOf: _asOf, openTrend: _trend, lights: _lights, lightsByDepartment: _byDepartment, lastClosed, ...rest }: Record<string, any>) => ({
        ...rest,
        lastClosed: lastClosed.map(({ id, closedAt, onTime, daysToClose }: Record<string, unknown>) => ({ id, closedAt, onTime, daysToClose })),
      });
      expect(figures(await json('adminVerifier', '/reports/notice?month=2026-11&format=json'))).toEqual(figures(november.notice as Record<string, any>));
      expect(await json('discipline', '/assessments?month=2026-11')).toEqual(november.assessment);
      expect(await json('adminVerifier', '/reports/monthly?month=2026-11')).toEqual(november.tracking);
      expect(await flow.as('adminVerifier').get(`/findings/${ids.late}`).expect(200)).toMatchObject({ body: { state: 'rectifying', closedAt: null } });
    });

    it("counts as a relapse in December's assessment and tracking, never in November's", async () => {
      const row = (report: { items: { departmentId: string }[] }, departmentId: string) => report.items.find((item) => item.departmentId === departmentId) as Record<string, any>;
      const december = await json('discipline', '/assessments?month=2026-12');
      const cardiology = row(december, h.departments.cardiology);
      expect(cardiology.relapses).toBe(1);
      expect(december.weights.relapsePenalty).toBe(2);
      // No round at cardiology in December: not inspected, no score, the relapse still counted (its points off are
      // checked on a held round in src/assessments/assessment.spec.ts).
      expect(cardiology).toMatchObject({ roundsHeld: 0, assessment: null, grade: 'not_inspected' });
      expect(row(december, h.departments.surgery).relapses).toBe(1);
      expect(row(await json('discipline', '/assessments?month=2026-11'), h.departments.cardiology).relapses).toBe(0);

      const tracking = await json('adminVerifier', '/reports/monthly?month=2026-12');
      expect(ofSource(tracking.bySource, 'complaint')).toMatchObject({ relapses: 1 });
      expect(row(tracking, h.departments.cardiology)).toMatchObject({ relapses: 1 });
      expect(ofSource((await json('adminVerifier', '/reports/monthly?month=2026-11')).bySource, 'complaint')).toMatchObject({ relapses: 0 });
    });

    it('is listed in the notice of December', async () => {
      const notice = await json('adminVerifier', '/reports/notice?month=2026-12&format=json');
      expect(notice.relapses).toBe(1);
      expect(notice.relapsed).toEqual([expect.objectContaining({ id: ids.late, source: 'complaint', state: 'rectifying', relapses: 1 })]);
      expect(ofSource(notice.bySource, 'complaint')).toMatchObject({ relapses: 1 });
      expect((await json('adminVerifier', '/reports/notice?month=2026-11&format=json')).relapses).toBe(0);
      const discipline = await json('discipline', '/reports/notice?month=2026-12&format=json');
      expect(discipline.relapses).toBe(2);
      expect(ofSource(discipline.bySource, 'complaint')).toMatchObject({ relapses: 2 });
      const page = await flow.as('adminVerifier').get('/reports/notice?month=2026-12').expect(200);
      expect(page.text).toContain('<h3>回头看未通过（反弹）的问题 (1)</h3>');
    });

    it('keeps the integrity complaint out of the breakdowns of those outside it', async () => {
      for (const who of ['admin', 'adminVerifier', 'lead', 'cardiologyStaff'] as const) {
        const notice = await json(who, '/reports/notice?month=2026-12&format=json');
        expect({ who, relapses: notice.relapses, complaint: ofSource(notice.bySource as { source: string; relapses: number }[], 'complaint')?.relapses }).toEqual({ who, relapses: 1, complaint: 1 });
        expect(JSON.stringify(notice)).not.toContain(INTEGRITY_TITLE);
        expect(JSON.stringify(await json(who, '/reports/notice?month=2026-11&format=json'))).not.toContain(INTEGRITY_TITLE);
      }
      for (const who of ['admin', 'adminVerifier', 'lead'] as const) {
        const tracking = await json(who, '/reports/monthly?month=2026-11');
        expect({ who, complaint: ofSource(tracking.bySource, 'complaint') }).toMatchObject({ who, complaint: { found: 2, closedOnTime: 1, relapses: 0 } });
        const december = await json(who, '/reports/monthly?month=2026-12');
        expect({ who, relapses: december.items.find((item: { departmentId: string }) => item.departmentId === h.departments.surgery).relapses }).toEqual({ who, relapses: 0 });
      }
      // Surgery's staff are inside their own integrity matter.
      expect(ofSource((await json('surgeryStaff', '/reports/monthly?month=2026-12')).bySource, 'complaint')).toMatchObject({ relapses: 1 });
    });
  });

  describe('on 3 December, once time has spoken', () => {
    beforeAll(async () => {
      at('2026-12-03T02:00:00Z');
      await t.app.get(DeadlineScheduler).runDue();
    });

    /** The lights of the open findings `who` may see, from the findings list. */
    const listed = async (who: Who) => {
      const { items } = await json(who, '/findings?limit=500');
      const counts = { red: 0, yellow: 0, green: 0 };
      for (const finding of items as { light: keyof typeof counts | null }[]) if (finding.light) counts[finding.light]++;
      return counts;
    };

    it('lights the findings: overdue red, not signed for in time yellow, the rest green', async () => {
      expect((await json('adminVerifier', `/findings/${ids.feedback}`)).light).toBe('red');
      expect((await json('adminVerifier', `/findings/${ids.supervision}`)).light).toBe('yellow');
      expect((await json('adminVerifier', `/findings/${ids.round}`)).light).toBe('green');
      expect(named((await json('adminVerifier', '/reports/ledger?light=red&limit=500')).items)).toEqual(['feedback']);
      expect(named((await json('adminVerifier', '/reports/ledger?light=yellow&limit=500')).items)).toEqual(['supervision']);
      expect((await json('adminVerifier', '/reports/ledger?light=yellow&source=supervision')).filter).toEqual({ source: 'supervision', light: 'yellow' });
    });

    describe('sorted by the service', () => {
      type Line = { findingId: string; severity: string; light: string | null; daysOverdue: number | null; department: string; title: string; roundDate: string | null };
      const ledger = async (query: string): Promise<Line[]> => (await json('discipline', `/reports/ledger?limit=500&${query}`)).items;
      /** `lines` in order by `key` (nulls last either way), ties by id in the same direction. */
      const expectOrdered = (lines: Line[], key: (line: Line) => number | string | null, order: 'asc' | 'desc') => {
        const sign = order === 'asc' ? 1 : -1;
        for (let i = 1; i < lines.length; i++) {
          const [a, b] = [key(lines[i - 1]), key(lines[i])];
          const pair = { before: lines[i - 1], after: lines[i] };
          if (a === null) expect({ ...pair, rest: b }).toEqual({ ...pair, rest: null });
          else if (b !== null && a === b) expect({ ...pair, byId: sign * lines[i - 1].findingId.localeCompare(lines[i].findingId) }).toEqual({ ...pair, byId: -1 });
          else if (b !== null) expect({ ...pair, byKey: sign * (a < b ? -1 : 1) }).toEqual({ ...pair, byKey: -1 });
        }
      };
      const rank = (values: readonly string[]) => (value: string | null) => (value === null ? null : values.indexOf(value));

      it('orders the ledger by the column asked for, ties by id, the same across pages and in both files', async () => {
        const lights = await ledger('sort=light&order=desc');
        expect(lights).toHaveLength(6);
        expect(lights.map((line) => line.light)).toEqual(['red', 'yellow', 'green', 'green', 'green', null]);
        expectOrdered(lights, (line) => rank(['green', 'yellow', 'red'])(line.light), 'desc');
        expectOrdered(await ledger('sort=severity'), (line) => rank(['minor', 'major', 'critical'])(line.severity), 'asc');
        expectOrdered(await ledger('sort=severity&order=desc'), (line) => rank(['minor', 'major', 'critical'])(line.severity), 'desc');
        const overdue = await ledger('sort=daysOverdue&order=desc');
        expect(overdue[0].findingId).toBe(ids.feedback);
        expectOrdered(overdue, (line) => line.daysOverdue, 'desc');
        expectOrdered(await ledger('sort=department'), (line) => line.department, 'asc');
        expectOrdered(await ledger('sort=title&order=desc'), (line) => line.title, 'desc');
        const byRound = await ledger('sort=roundDate&order=desc');
        expect(byRound[0].findingId).toBe(ids.round);
        expectOrdered(byRound, (line) => line.roundDate, 'desc');

        // Pages of two, ties (four minor findings) included, neither repeat nor skip a row.
        for (const query of ['sort=severity', 'sort=severity&order=desc', 'sort=light', 'sort=state&order=desc']) {
          const whole = (await ledger(query)).map((line) => line.findingId);
          const paged: string[] = [];
          for (let offset = 0; offset < 6; offset += 2) paged.push(...(await json('discipline', `/reports/ledger?limit=2&offset=${offset}&${query}`)).items.map((line: Line) => line.findingId));
          expect({ query, paged }).toEqual({ query, paged: whole });
        }

        // The download and the export job in the same order, numbered in it.
        const titles = lights.map((line) => line.title);
        const csv = await flow.as('discipline').get('/reports/ledger?format=csv&sort=light&order=desc').buffer(true).parse(binaryBody).expect(200);
        const [header, ...records]: string[][] = parse((csv.body as Buffer).toString('utf8').slice(1));
        expect(records.map((record) => record[header.indexOf('问题')])).toEqual(titles);
        expect(records.map((record) => record[header.indexOf('序号')])).toEqual(['1', '2', '3', '4', '5', '6']);
        const { id } = (await flow.as('discipline').post('/reports/exports', { format: 'csv', sort: 'light', order: 'desc' }).expect(202)).body;
        let job: { status: string; filters: object };
        do job = (await flow.as('discipline').get(`/reports/exports/${id}`).expect(200)).body;
        while (job.status !== 'done' && job.status !== 'failed');
        expect(job).toMatchObject({ status: 'done', filters: { sort: 'light', order: 'desc' } });
        const file = await flow.as('discipline').get(`/reports/exports/${id}/file`).buffer(true).parse(binaryBody).expect(200);
        const [fileHeader, ...fileRecords]: string[][] = parse((file.body as Buffer).toString('utf8').slice(1));
        expect(fileRecords.map((record) => record[fileHeader.indexOf('问题')])).toEqual(titles);
      });

      it('refuses a sort or an order it does not know, naming the field, and never runs it', async () => {
        for (const hostile of ['createdAt;DROP TABLE findings', '"finding"."description"', 'description', 'snapshot', '__proto__', '1', 'createdAt DESC']) {
          const bad = await flow.as('discipline').get(`/reports/ledger?sort=${encodeURIComponent(hostile)}`).expect(400);
          expect({ hostile, fields: bad.body.details.map((problem: { field: string }) => problem.field) }).toEqual({ hostile, fields: ['sort'] });
        }
        const both = await flow.as('discipline').get('/reports/ledger?sort=severity&sort=light&order=sideways').expect(400);
        expect(both.body.details.map((problem: { field: string }) => problem.field).sort()).toEqual(['order', 'sort']);
        const job = await flow.as('discipline').post('/reports/exports', { format: 'xlsx', sort: 'password' }).expect(400);
        expect(job.body.details.map((problem: { field: string }) => problem.field)).toEqual(['sort']);
        expect(await ledger('')).toHaveLength(6);
      });
    });

    it('counts open findings by light on the dashboard, whole and per department, as the caller may see them', async () => {
      const verifier = await json('adminVerifier', '/dashboard');
      expect(verifier.openByLight).toEqual(await listed('adminVerifier'));
      expect(verifier.openByLight).toEqual({ red: 1, yellow: 1, green: 2 });
      expect(verifier.byDepartment[h.departments.cardiology].lights).toEqual({ red: 1, yellow: 1, green: 2 });
      expect(verifier.byDepartment[h.departments.surgery]).toBeUndefined();
      const discipline = await json('discipline', '/dashboard');
      expect(discipline.openByLight).toEqual(await listed('discipline'));
      expect(discipline.byDepartment[h.departments.surgery].lights).toEqual({ red: 0, yellow: 0, green: 1 });
      expect((await json('surgeryStaff', '/dashboard')).openByLight).toEqual({ red: 0, yellow: 0, green: 1 });
    });

    it('counts them in the notice, by department, as the caller may see them', async () => {
      const notice = await json('adminVerifier', '/reports/notice?month=2026-12&format=json');
      expect(notice.lights).toEqual({ red: 1, yellow: 1, green: 2 });
      expect(notice.lightsByDepartment).toEqual([{ department: 'CARD', red: 1, yellow: 1, green: 2 }]);
      const discipline = await json('discipline', '/reports/notice?month=2026-12&format=json');
      expect(discipline.lightsByDepartment).toEqual([
        { department: 'CARD', red: 1, yellow: 1, green: 2 },
        { department: 'SURG', red: 0, yellow: 0, green: 1 },
      ]);
      // With a source asked for, the lights of that source's findings only.
      expect((await json('adminVerifier', '/reports/notice?month=2026-12&format=json&source=complaint')).lights).toEqual({ red: 0, yellow: 0, green: 1 });
      const page = await flow.as('adminVerifier').get('/reports/notice?month=2026-12').expect(200);
      expect(page.text).toContain(`(${LABELS.light.green.zh} 2; ${LABELS.light.yellow.zh} 1; ${LABELS.light.red.zh} 1)</h2>`);
      expect(page.text).toContain('各科室督办灯');
    });
  });
});
