import ExcelJS from 'exceljs';
import { Clock } from '../src/common/clock';
import { BRANCH_COLUMNS, VETO_COLUMNS } from '../src/reports/annual-workbook';
import { MONTHLY_COLUMNS } from '../src/reports/monthly-workbook';
import { LABELS } from '../workflows';
import { binaryBody } from './support/files';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Item = Record<string, unknown> & { departmentId: string; roundsHeld: number; foundBySeverity: Record<string, number> };

/** The figures summed over a year's months. */
const COUNTS = ['roundsHeld', 'vetoes', 'found', 'closedOnTime', 'closedLate', 'overdueAtMonthEnd', 'reopened', 'relapses'] as const;

/**
 * The year's assessment, made of its months, and the ranks within kind and Party branch. With no
 * findings a round's department scores 0.6 × round score + 40 (thresholds 优秀 94, 良好 88, 合格 70).
 */
describe(`the year's assessment, ranks within kind and branch, the annual workbook (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2025-11-10T02:00:00Z');
  const at = (iso: string) => (now = new Date(iso));
  const departments: Record<string, string> = {};
  const branches: Record<string, string> = {};
  const rounds: Record<string, string> = {};

  /** A round held at `departmentId` on `day`, its ordinary item failed for `deduction` points, its bottom-line item as `veto` says. */
  async function heldRound(departmentId: string, day: string, deduction: number, veto: 'pass' | 'fail' = 'pass', type: 'administrative' | 'integrity' = 'administrative', findings: ('minor' | 'critical')[] = []): Promise<string> {
    at(`${day}T02:00:00Z`);
    const body = { types: [type], departmentId, scheduledFor: day, leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id as string;
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'START' }).expect(200);
    await flow.as('inspector').put(`/rounds/${id}/results/A`, deduction === 0 ? { result: 'pass' } : { result: 'fail', deduction }).expect(200);
    await flow.as('inspector').put(`/rounds/${id}/results/V`, { result: veto, ...(veto === 'fail' && { deduction: 0 }) }).expect(200);
    for (const severity of findings) await flow.logFinding(id, type, { severity, responsibleDepartmentId: departmentId });
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'SUBMIT' }).expect(200);
    return id;
  }

  const get = async (path: string, who: keyof Hospital['users'] = 'discipline') => (await flow.as(who).get(path).expect(200)).body;
  const of = (items: Item[], name: string) => items.find((item) => item.departmentId === departments[name])!;

  async function workbook(path: string, who: keyof Hospital['users']): Promise<ExcelJS.Workbook> {
    const response = await flow.as(who).get(path).buffer(true).parse(binaryBody).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.body as never);
    return book;
  }

  beforeAll(async () => {
    t = await startApp({ ASSESSMENT_GRADE_THRESHOLDS: 'excellent:94,good:88,pass:70' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    const items = [
      { code: 'A', title: '核心制度', titleEn: 'Core systems', category: '质量', standard: 'Applied', maxDeduction: 60, veto: false },
      { code: 'V', title: '底线', titleEn: 'Bottom line', category: '底线标准', standard: 'None', maxDeduction: 5, veto: true },
    ];
    for (const roundType of ['administrative', 'integrity']) await flow.as('admin').post('/checklists', { roundType, title: 'Standard', items }).expect(201);
    for (const code of ['X', 'Y']) branches[code] = (await flow.as('admin').post('/party-branches', { code: `PB-${code}`, name: `第${code}党支部` }).expect(201)).body.id;
    const department = async (code: string, partyBranchId?: string) =>
      (await flow.as('admin').post('/departments', { code, name: code, kind: 'clinical', leadOfficeFor: [], ...(partyBranchId && { partyBranchId }) }).expect(201)).body.id as string;
    Object.assign(departments, { cardiology: h.departments.cardiology, logistics: h.departments.logistics });
    departments.t1 = await department('T1', branches.X);
    departments.t2 = await department('T2', branches.X);
    departments.m = await department('M', branches.X);
    departments.t3 = await department('T3', branches.Y);
    departments.n = await department('N', branches.Y);
    departments.t4 = await department('T4');

    // 2025, at cardiology: findings logged, one left overdue across month ends, one closed.
    const november = await heldRound(departments.cardiology, '2025-11-10', 0, 'pass', 'administrative', ['critical', 'minor']);
    const minor = (await get(`/findings?roundId=${november}&limit=10`)).items.find((f: { severity: string }) => f.severity === 'minor').id as string;
    at('2025-12-01T02:00:00Z');
    const finding = (await flow.as('discipline').get(`/findings/${minor}`).expect(200)).body;
    if (finding.state === 'assigned') await flow.send('cardiologyStaff', minor, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: finding.deadline.slice(0, 10) });
    await flow.submitEvidence('cardiologyStaff', minor, 'n');
    const verified = await flow.send('adminVerifier', minor, { type: 'VERIFY_ACCEPT' });
    if (verified.body.state === 'closure_audit') await flow.send('auditor', minor, { type: 'AUDIT_APPROVE' });
    await heldRound(departments.cardiology, '2025-12-15', 10);

    // 2026: T1 94 (Feb) and 88 (May) → 91; T2 91 (May): tied within the kind and within branch X.
    await heldRound(departments.t4, '2026-01-12', 0); // T4, no branch: 94 over two January rounds…
    await heldRound(departments.t4, '2026-01-20', 20);
    rounds.t1 = await heldRound(departments.t1, '2026-02-10', 10);
    rounds.m = await heldRound(departments.m, '2026-03-10', 0, 'fail'); // M: vetoed in March (80), 100 in April
    await heldRound(departments.t4, '2026-04-08', 40); // …and 76 in April: (94 × 2 + 76) / 3 = 88, not (94 + 76) / 2
    await heldRound(departments.m, '2026-04-09', 0);
    rounds.logistics = await heldRound(departments.logistics, '2026-04-10', 0, 'fail', 'integrity');
    await heldRound(departments.t1, '2026-05-11', 20);
    await heldRound(departments.t2, '2026-05-12', 15);
    await heldRound(departments.t3, '2026-05-13', 30); // T3, branch Y: 82; N, branch Y, never inspected
    at('2026-06-02T02:00:00Z');
  });

  afterAll(() => t.close());

  it('asks for exactly one of month and year', async () => {
    for (const query of ['', '?month=2026-05&year=2026']) {
      const response = await flow.as('discipline').get(`/assessments${query}`).expect(400);
      expect(JSON.stringify(response.body)).toMatch(/month/);
      expect(JSON.stringify(response.body)).toMatch(/year/);
    }
    await flow.as('discipline').get('/assessments?year=26').expect(400);
  });

  it("sums the months' counts into the year, for every department and every round type", async () => {
    const year = await get('/assessments?year=2025');
    expect(year.months).toHaveLength(12);
    const months = await Promise.all(year.months.map((month: string) => get(`/assessments?month=${month}`)));
    for (const item of year.items as Item[]) {
      const ofMonths = months.map((month) => (month.items as Item[]).find((other) => other.departmentId === item.departmentId)!);
      const expected = Object.fromEntries(COUNTS.map((key) => [key, ofMonths.reduce((total, month) => total + (month[key] as number), 0)]));
      expect({ departmentId: item.departmentId, ...Object.fromEntries(COUNTS.map((key) => [key, item[key]])) }).toEqual({ departmentId: item.departmentId, ...expected });
      expect(item.foundBySeverity.critical).toBe(ofMonths.reduce((total, month) => total + month.foundBySeverity.critical, 0));
    }
    // The cardiology figures the sums were made of were not all zeroes.
    expect(of(year.items, 'cardiology')).toMatchObject({ roundsHeld: 2, found: 2, closedOnTime: 1, overdueAtMonthEnd: 2 });
    // Averages weigh each month by its rounds: November 0 deduction, December 10.
    const [november, december] = [months[10], months[11]].map((month) => of(month.items, 'cardiology'));
    expect(of(year.items, 'cardiology').assessment).toBe(Math.round(((november.assessment as number) + (december.assessment as number)) * 5) / 10);
    // The tracking report's round-type figures sum the same way.
    const annual = await get('/reports/annual?year=2025');
    expect(of(annual.byRoundType.administrative, 'cardiology')).toMatchObject({ roundsHeld: 2, found: 2, closedOnTime: 1, overdueAtMonthEnd: 2 });
    expect(of(annual.byRoundType.integrity, 'cardiology')).toMatchObject({ roundsHeld: 0, found: 0, grade: 'not_inspected' });
  });

  it('averages the assessment over the rounds held, grades the year, and leaves a department never inspected 未检查', async () => {
    const year = (await get('/assessments?year=2026')).items as Item[];
    expect(of(year, 't4')).toMatchObject({ roundsHeld: 3, averageScore: 80, assessment: 88, grade: 'good', eligible: true, gradeCause: null });
    expect(of(year, 't1')).toMatchObject({ roundsHeld: 2, averageScore: 85, assessment: 91, grade: 'good' });
    expect(of(year, 'n')).toMatchObject({ roundsHeld: 0, averageScore: null, assessment: null, grade: 'not_inspected', gradeLabel: LABELS.grade.not_inspected, rank: null, branchRank: null, branchRankOf: 1 });
  });

  it('makes a year with a veto in March 不合格 and not eligible, naming the veto', async () => {
    const cause = { roundType: 'administrative', roundId: rounds.m, itemCode: 'V' };
    // April alone was clean and scored 100, the year averages 90: the veto decides.
    expect(of((await get('/assessments?month=2026-04')).items, 'm')).toMatchObject({ assessment: 100, grade: 'excellent', eligible: false });
    expect(of((await get('/assessments?year=2026')).items, 'm')).toMatchObject({ assessment: 90, grade: 'fail', gradeCause: cause, gradeLabel: LABELS.grade.vetoed, eligible: false, eligibilityCause: cause });
    // An integrity veto outside integrity: 不合格 (廉政一票否决), no round or item.
    const hidden = { roundType: 'integrity', roundId: null, itemCode: null };
    const outside = await get('/assessments?year=2026', 'admin');
    expect(of(outside.items, 'logistics')).toMatchObject({ grade: 'fail', gradeCause: hidden, gradeLabel: LABELS.grade.integrity_vetoed, eligible: false });
    expect(JSON.stringify(outside)).not.toContain(rounds.logistics);
    expect(of((await get('/assessments?year=2026')).items, 'logistics')).toMatchObject({ gradeCause: { roundType: 'integrity', roundId: rounds.logistics, itemCode: 'V' } });
  });

  it('ranks the year within each kind and each branch, ties sharing a rank, the vetoed last', async () => {
    const year = (await get('/assessments?year=2026')).items as Item[];
    const standing = (name: string) => {
      const { rank, rankTies, rankOf, branchRank, branchRankTies, branchRankOf } = of(year, name);
      return [rank, rankTies, rankOf, branchRank, branchRankTies, branchRankOf];
    };
    // Clinical, inspected: T1 91, T2 91, M 90 vetoed, T4 88, T3 82.
    expect(Object.fromEntries(['t1', 't2', 't4', 't3', 'm', 'n', 'cardiology'].map((name) => [name, standing(name)]))).toEqual({
      t1: [1, 2, 5, 1, 2, 3],
      t2: [1, 2, 5, 1, 2, 3],
      t4: [3, 1, 5, null, null, null],
      t3: [4, 1, 5, 1, 1, 1],
      m: [5, 1, 5, 3, 1, 3],
      n: [null, null, 5, null, null, 1],
      cardiology: [null, null, 5, null, null, null],
    });
    // The month ranks within the branch too.
    expect(of((await get('/assessments?month=2026-05')).items, 't1')).toMatchObject({ assessment: 88, branchRank: 2, branchRankTies: 1, branchRankOf: 2, partyBranchName: '第X党支部' });
  });

  it('sums each Party branch and ranks the branches; department staff see their own row, unranked, and no branch', async () => {
    const { branches: list } = await get('/reports/annual?year=2026');
    const x = list.find((b: { partyBranchId: string }) => b.partyBranchId === branches.X);
    const y = list.find((b: { partyBranchId: string }) => b.partyBranchId === branches.Y);
    expect(x).toMatchObject({ departments: 3, inspected: 3, roundsHeld: 5, averageAssessment: 90.7, vetoes: 1, vetoedDepartments: 1, grade: 'fail', gradeLabel: LABELS.grade.vetoed, rank: 2, rankTies: 1, rankOf: 2 });
    expect(y).toMatchObject({ departments: 2, inspected: 1, roundsHeld: 1, averageAssessment: 82, vetoes: 0, grade: 'pass', rank: 1, rankTies: 1, rankOf: 2 });
    const own = await get('/assessments?year=2026', 'cardiologyStaff');
    expect(own.items).toHaveLength(1);
    expect(own.items[0]).toMatchObject({ departmentId: departments.cardiology, rank: null, rankTies: null, rankOf: null, branchRank: null, branchRankTies: null, branchRankOf: null });
    expect(own.branches).toEqual([]);
    await flow.as('cardiologyStaff').get(`/assessments?year=2026&departmentId=${departments.t1}`).expect(403);
    // One list per branch: the year of branch X's departments only.
    expect(((await get(`/assessments?year=2026&partyBranchId=${branches.X}`)).items as Item[]).map((item) => item.departmentId).sort()).toEqual([departments.t1, departments.t2, departments.m].sort());
  });

  it('writes the annual workbook: the year, one sheet per round type, the branches and the vetoes, integrity items hidden outside integrity', async () => {
    const json = await get('/reports/annual?year=2026', 'admin');
    const book = await workbook('/reports/annual?year=2026&format=xlsx', 'admin');
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['汇总', '行政查房', '党建查房', '廉政查房', '党支部', '一票否决']);
    const rows = (sheet: ExcelJS.Worksheet) => Array.from({ length: sheet.rowCount - 2 }, (_, i) => sheet.getRow(i + 3));
    const column = (columns: { key: string }[], key: string) => columns.findIndex((c) => c.key === key) + 1;
    const summary = book.getWorksheet('汇总')!;
    expect(summary.getRow(2).values).toEqual([undefined, ...MONTHLY_COLUMNS.map((c) => c.zh)]);
    // Grouped by branch: branch X's departments, then Y's, then those of no branch.
    expect(rows(summary).map((row) => row.getCell(column(MONTHLY_COLUMNS, 'partyBranchName')).text)).toEqual([...Array(3).fill('第X党支部'), ...Array(2).fill('第Y党支部'), ...Array(json.items.length - 5).fill('')]);
    const t1 = rows(summary).find((row) => row.getCell(column(MONTHLY_COLUMNS, 'departmentCode')).text === 'T1')!;
    expect([column(MONTHLY_COLUMNS, 'assessment'), column(MONTHLY_COLUMNS, 'rank'), column(MONTHLY_COLUMNS, 'branchRank')].map((c) => t1.getCell(c).value)).toEqual([91, 1, 1]);
    expect(t1.getCell(column(MONTHLY_COLUMNS, 'grade')).text).toBe(LABELS.grade.good.zh);
    const branchSheet = book.getWorksheet('党支部')!;
    expect(branchSheet.getRow(2).values).toEqual([undefined, ...BRANCH_COLUMNS.map((c) => c.zh)]);
    const x = rows(branchSheet).find((row) => row.getCell(column(BRANCH_COLUMNS, 'partyBranchName')).text === '第X党支部')!;
    expect(['departments', 'roundsHeld', 'averageAssessment', 'vetoedDepartments', 'rank'].map((key) => x.getCell(column(BRANCH_COLUMNS, key)).value)).toEqual([3, 5, 90.7, 1, 2]);
    expect(x.getCell(column(BRANCH_COLUMNS, 'grade')).text).toBe(LABELS.grade.vetoed.zh);
    const vetoes = rows(book.getWorksheet('一票否决')!);
    const read = (row: ExcelJS.Row) => VETO_COLUMNS.map((c, i) => (c.kind === 'date' ? row.getCell(i + 1).value : row.getCell(i + 1).text));
    expect(vetoes.map(read)).toEqual([
      [new Date('2026-03-10T00:00:00Z'), 'M', '第X党支部', LABELS.roundType.administrative.zh, rounds.m, 'V'],
      [new Date('2026-04-10T00:00:00Z'), json.vetoes[1].departmentName, '', LABELS.roundType.integrity.zh, '', ''],
    ]);
    // Inside integrity the integrity veto's round and item are named.
    const inside = rows((await workbook('/reports/annual?year=2026&format=xlsx', 'discipline')).getWorksheet('一票否决')!);
    expect(read(inside[1]).slice(3)).toEqual([LABELS.roundType.integrity.zh, rounds.logistics, 'V']);
    // The export is recorded as a data access.
    const logged = (await get('/audit?event=ANNUAL_EXPORTED')).items as { actorRole: string; payload: object }[];
    expect(logged.map((entry) => entry.actorRole).sort()).toEqual(['admin', 'discipline_office']);
    expect(logged[0].payload).toMatchObject({ format: 'xlsx', filter: { year: '2026' }, rows: json.items.length });
  });

  describe('the annual notice (年度通报)', () => {
    const notice = (query: string, who: keyof Hospital['users'] = 'discipline') => get(`/reports/notice?${query}&format=json`, who);
    const HOSTILE = '<script>alert(1)</script> 屡查屡犯';

    it("adds up the months' notices, ranks as the year's assessment does, and lists the vetoes", async () => {
      const year = await notice('year=2026');
      expect(year.months.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
      const months = await Promise.all(year.months.map((m: { month: string }) => notice(`month=${m.month}`)));
      const held = (month: { rounds: { state: string }[] }) => month.rounds.filter((r) => ['submitted', 'completed'].includes(r.state)).length;
      expect(year.months.map((m: { roundsHeld: number }) => m.roundsHeld)).toEqual(months.map(held));
      expect(year.roundsHeld).toBe(months.map(held).reduce((a, b) => a + b, 0));
      expect(year.roundsHeld).toBe(10);
      for (const figure of ['found', 'closed', 'relapses'] as const) expect(year[figure]).toBe(months.reduce((sum, month) => sum + month[figure], 0));
      expect(year.overdue).toBe(months.at(-1).overdue);

      const assessment = await get('/assessments?year=2026');
      expect(year.rankings.map((d: Item) => [d.departmentId, d.rank, d.grade]).sort()).toEqual(assessment.items.map((d: Item) => [d.departmentId, d.rank, d.grade]).sort());
      expect(year.branches).toEqual(assessment.branches);
      expect(year.vetoes.map((v: { departmentId: string; itemCode: string | null }) => [v.departmentId, v.itemCode])).toEqual([
        [departments.m, 'V'],
        [departments.logistics, 'V'],
      ]);
      expect(year.integrityCounts).toBeNull();
    });

    it('shows integrity as counts to a reader outside it, and a department its own row', async () => {
      const outside = await notice('year=2026', 'admin');
      expect(outside.vetoes.map((v: { departmentId: string; roundId: string | null; itemCode: string | null }) => [v.departmentId, v.roundId, v.itemCode])).toEqual([
        [departments.m, rounds.m, 'V'],
        [departments.logistics, null, null],
      ]);
      expect(outside.integrityCounts).toEqual({ roundsHeld: 1, found: 0, closed: 0, overdue: 0 });
      const own = await notice('year=2025', 'cardiologyStaff');
      expect(own.limitedToDepartment).toBe('CARD');
      expect(own.rankings.map((d: Item) => [d.departmentId, d.rank])).toEqual([[departments.cardiology, null]]);
      expect(own.branches).toEqual([]);
    });

    it("lists the discipline office's typical cases of the year, as text, on a page with the trend drawn", async () => {
      const critical = (await get('/findings?responsibleDepartmentId=' + departments.cardiology + '&severity=critical&limit=10')).items[0].id;
      await flow.as('discipline').put(`/findings/${critical}/typical-case`, { reason: HOSTILE }).expect(200);
      const year = await notice('year=2025');
      expect(year.typicalCases).toEqual([expect.objectContaining({ findingId: critical, reason: HOSTILE })]);
      expect((await notice('year=2026')).typicalCases).toEqual([]);
      for (const lang of ['zh', 'en']) {
        const page = await flow.as('discipline').get(`/reports/notice?year=2025&lang=${lang}`).expect(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.text).toContain(lang === 'zh' ? '2025年度“三查房”及问题整改情况通报' : 'the year 2025');
        expect(page.text).toContain('<svg');
        expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(page.text).not.toContain(HOSTILE);
      }
    });

    it('asks for exactly one of month and year, and no source or branch with a year', async () => {
      const both = await flow.as('discipline').get('/reports/notice?month=2026-01&year=2026').expect(400);
      expect(both.body.details.map((p: { field: string }) => p.field)).toEqual(['month', 'year']);
      await flow.as('discipline').get('/reports/notice').expect(400);
      const sourced = await flow.as('discipline').get(`/reports/notice?year=2026&source=complaint&partyBranchId=${branches.X}`).expect(400);
      expect(sourced.body.details.map((p: { field: string }) => p.field)).toEqual(['source', 'partyBranchId']);
      await flow.as('discipline').get('/reports/notice?year=26').expect(400);
    });
  });
});
