import ExcelJS from 'exceljs';
import { Clock } from '../src/common/clock';
import { FINDING_SOURCES, LABELS } from '../workflows';
import { MONTHLY_COLUMNS, SOURCE_COLUMNS } from '../src/reports/monthly-workbook';
import { binaryBody } from './support/files';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Type = 'administrative' | 'party_building' | 'integrity';
type Severity = 'minor' | 'major' | 'critical';

/**
 * Monthly department assessment, on a clock the test drives: findings are logged, closed late or on
 * time, reopened and left overdue at known instants, on both sides of a month boundary in the
 * hospital's time zone (Asia/Shanghai, UTC+8).
 */
describe(`monthly department assessment, tracking and notice (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2026-02-01T02:00:00Z');
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const at = (iso: string) => (now = new Date(iso));

  const verifierFor: Record<Type, keyof Hospital['users']> = { administrative: 'adminVerifier', party_building: 'partyVerifier', integrity: 'discipline' };
  const staffFor = (departmentId: string): keyof Hospital['users'] => (departmentId === h.departments.cardiology ? 'cardiologyStaff' : 'surgeryStaff');

  async function startedRound(type: Type, scheduledFor: string, departmentId = h.departments.cardiology): Promise<string> {
    const body = { types: [type], departmentId, scheduledFor, leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id;
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'START' }).expect(200);
    return id;
  }

  const pass = (roundId: string, itemCode = TEST_ITEM) => flow.as('inspector').put(`/rounds/${roundId}/results/${itemCode}`, { result: 'pass' }).expect(200);
  const submit = (roundId: string) => flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);

  async function log(roundId: string, type: Type, severity: Severity, departmentId = h.departments.cardiology): Promise<string> {
    const body = { roundType: type, title: 'finding', description: 'd', severity, responsibleDepartmentId: departmentId };
    return (await flow.as('inspector').post(`/rounds/${roundId}/findings`, body).expect(201)).body.id;
  }

  /** A plan committing to the deadline's date: on time means by the deadline. A plan is made before the deadline passes. */
  async function plan(findingId: string): Promise<void> {
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body;
    await flow.send(staffFor(finding.responsibleDepartmentId), findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: finding.deadline.slice(0, 10) });
  }

  /** Planned unless it is already, then evidence, verification and any closure audit. */
  async function close(findingId: string): Promise<void> {
    if ((await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body.state === 'assigned') await plan(findingId);
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body;
    const staff = staffFor(finding.responsibleDepartmentId);
    await flow.submitEvidence(staff, findingId, 'n');
    const verified = await flow.send(verifierFor[finding.roundType as Type], findingId, { type: 'VERIFY_ACCEPT' });
    if (verified.body.state === 'closure_audit') await flow.send('auditor', findingId, { type: 'AUDIT_APPROVE' });
  }

  const assessment = async (month: string, who: keyof Hospital['users'] = 'discipline') =>
    (await flow.as(who).get(`/assessments?month=${month}`).expect(200)).body;
  const row = (report: { items: { departmentId: string }[] }, departmentId: string) => report.items.find((i) => i.departmentId === departmentId);

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    // An administrative standard with a bottom-line item, so a round can be vetoed.
    const items = [
      { code: 'A', title: '核心制度', titleEn: 'Core systems', category: '医疗质量', standard: 'Applied', maxDeduction: 10, veto: false },
      { code: 'V', title: '无重大事故', titleEn: 'No major accident', category: '底线标准', standard: 'None', maxDeduction: 5, veto: true },
    ];
    await t.http.post('/checklists').set(bearer(h.users.admin.token)).send({ roundType: 'administrative', title: 'Standard', items }).expect(201);
  });

  afterAll(() => t.close());

  it('matches a hand-computed month, the time-zone edge included', async () => {
    const cardiology = h.departments.cardiology;
    at('2026-02-20T02:00:00Z');
    const february = await startedRound('administrative', '2026-02-20');
    await pass(february, 'A');
    await pass(february, 'V');
    await log(february, 'administrative', 'critical'); // overdue since 8 March
    at('2026-02-28T16:30:00Z'); // 1 March, 00:30 in Shanghai: a March finding
    await log(february, 'administrative', 'minor');
    await submit(february); // deadlines from 1 March: critical +7 = 8 March, minor +30 = 31 March

    at('2026-03-10T02:00:00Z');
    const vetoed = await startedRound('administrative', '2026-03-10');
    await flow.as('inspector').put(`/rounds/${vetoed}/results/A`, { result: 'fail' }).expect(200);
    const raised = await flow.as('inspector').put(`/rounds/${vetoed}/results/V`, { result: 'fail', raiseFinding: {} }).expect(200);
    const reopenedLater = raised.body.parts[0].items.find((i: { code: string }) => i.code === 'V').findingId; // critical: 17 March
    const closedLate = await log(vetoed, 'administrative', 'major'); // 25 March
    await log(vetoed, 'administrative', 'minor'); // 9 April: open, not yet overdue
    const closedOnTime = await log(vetoed, 'administrative', 'minor');
    await log(vetoed, 'administrative', 'minor', h.departments.logistics);
    await submit(vetoed);

    at('2026-03-12T02:00:00Z');
    await close(closedOnTime);
    await plan(closedLate);
    at('2026-03-16T02:00:00Z');
    await close(reopenedLater);
    at('2026-03-20T02:00:00Z');
    const party = await startedRound('party_building', '2026-03-20');
    await pass(party);
    await log(party, 'party_building', 'major');
    await submit(party);
    at('2026-03-28T02:00:00Z');
    await close(closedLate);
    at('2026-03-30T02:00:00Z');
    await flow.send('discipline', reopenedLater, { type: 'REOPEN', reason: 'recurred' });
    at('2026-03-31T17:30:00Z'); // 1 April, 01:30 in Shanghai: an April finding
    const april = await startedRound('administrative', '2026-04-01');
    await log(april, 'administrative', 'minor');

    const march = await assessment('2026-03');
    expect(march).toMatchObject({
      month: '2026-03',
      timeZone: 'Asia/Shanghai',
      from: '2026-02-28T16:00:00.000Z',
      to: '2026-03-31T16:00:00.000Z',
      weights: { score: 0.6, timeliness: 0.4, vetoPenalty: 20, overduePenalty: 2, reopenPenalty: 2, relapsePenalty: 2 },
    });
    expect(row(march, cardiology)).toEqual({
      departmentId: cardiology,
      departmentCode: 'CARD',
      departmentName: 'CARD',
      roundsHeld: 2,
      averageScore: 92.5,
      vetoes: 1,
      found: 6,
      foundByType: { administrative: 5, party_building: 1, integrity: 0 },
      foundBySeverity: { minor: 3, major: 2, critical: 1 },
      closedOnTime: 1,
      closedLate: 1,
      overdueAtMonthEnd: 3,
      reopened: 1,
      relapses: 0,
      averageDaysToClose: 10,
      // 0.6 × 92.5 + 0.4 × 100 × 1/(2 closed + 3 overdue) − 20 × 1 veto − 2 × 3 overdue − 2 × 1 reopened
      assessment: 35.5,
      departmentKind: 'clinical',
      // The failed bottom-line item decides the grade and the year's eligibility (grades.e2e-spec covers the rules).
      grade: 'fail',
      gradeCause: { roundType: 'administrative', roundId: vetoed, itemCode: 'V' },
      gradeLabel: LABELS.grade.vetoed,
      eligible: false,
      eligibilityCause: { roundType: 'administrative', roundId: vetoed, itemCode: 'V' },
      rank: 1,
      rankTies: 1,
      rankOf: 1,
      // Cardiology is in no Party branch: no rank within one.
      branchRank: null,
      branchRankTies: null,
      branchRankOf: null,
      partyBranchId: null,
      partyBranchName: null,
    });
    // No round: not inspected, no score (it used to read 100), its finding still counted.
    expect(row(march, h.departments.logistics)).toMatchObject({ found: 1, roundsHeld: 0, averageScore: null, assessment: null, grade: 'not_inspected', rank: null });
    expect(row(await assessment('2026-04'), cardiology)).toMatchObject({ found: 1, roundsHeld: 0 });
    expect(row(await assessment('2026-02'), cardiology)).toMatchObject({ found: 1, roundsHeld: 1, averageScore: 100, foundBySeverity: { critical: 1, major: 0, minor: 0 } });
  });

  it("shows a department's staff their own department only, and refuses anything else", async () => {
    const own = await assessment('2026-03', 'cardiologyStaff');
    expect(own.items.map((i: { departmentId: string }) => i.departmentId)).toEqual([h.departments.cardiology]);
    await flow.as('cardiologyStaff').get(`/assessments?month=2026-03&departmentId=${h.departments.surgery}`).expect(403);
    const one = await flow.as('adminVerifier').get(`/assessments?month=2026-03&departmentId=${h.departments.surgery}`).expect(200);
    expect(one.body.items.map((i: { departmentId: string }) => i.departmentId)).toEqual([h.departments.surgery]);
    await flow.as('inspector').get('/assessments?month=2026-03').expect(403);
    const refused = await flow.as('discipline').get('/assessments?month=2026-13').expect(400);
    expect(refused.body.details).toEqual([{ field: 'month', reason: 'must be a month as YYYY-MM' }]);
  });

  describe('monthly tracking and the public notice, on the same month', () => {
    const FIGURES = ['roundsHeld', 'vetoes', 'found', 'closedOnTime', 'closedLate', 'overdueAtMonthEnd', 'reopened'] as const;
    const notice = async (month: string, who: keyof Hospital['users']) => (await flow.as(who).get(`/reports/notice?month=${month}&format=json`).expect(200)).body;

    beforeAll(async () => {
      // Integrity work at logistics in March, which only the discipline office may see in detail.
      at('2026-03-25T02:00:00Z');
      const integrity = await startedRound('integrity', '2026-03-25', h.departments.logistics);
      await pass(integrity);
      const body = { roundType: 'integrity', title: '收受红包线索 a lead on gifts', description: 'd', severity: 'major', responsibleDepartmentId: h.departments.logistics };
      await flow.as('inspector').post(`/rounds/${integrity}/findings`, body).expect(201);
      await submit(integrity);
      // In April cardiology fails the same bottom-line item as in March: a repeat finding.
      at('2026-04-06T02:00:00Z');
      const april = await startedRound('administrative', '2026-04-06');
      await flow.as('inspector').put(`/rounds/${april}/results/V`, { result: 'fail', raiseFinding: {} }).expect(200);
    });

    it('tracks the month as the assessment counts it, whole and per round type', async () => {
      const report = (await flow.as('discipline').get('/reports/monthly?month=2026-03').expect(200)).body;
      const { byRoundType, bySource, ...summary } = report;
      expect(summary).toEqual(await assessment('2026-03'));
      // Every finding of March came from a round.
      expect(bySource.map((counts: { source: string }) => counts.source)).toEqual([...FINDING_SOURCES]);
      expect(bySource[0]).toEqual({ source: 'round', found: 8, closedOnTime: 1, closedLate: 1, overdueAtMonthEnd: 3, relapses: 0 });
      expect(bySource.slice(1).every((counts: { found: number; overdueAtMonthEnd: number }) => counts.found + counts.overdueAtMonthEnd === 0)).toBe(true);
      expect(Object.keys(byRoundType)).toEqual(['administrative', 'party_building', 'integrity']);
      const cardiology = (type: Type) => row({ items: byRoundType[type] }, h.departments.cardiology);
      expect(cardiology('administrative')).toMatchObject({ roundsHeld: 1, vetoes: 1, found: 5, closedOnTime: 1, closedLate: 1, overdueAtMonthEnd: 3, reopened: 1 });
      expect(cardiology('party_building')).toMatchObject({ roundsHeld: 1, vetoes: 0, found: 1, closedOnTime: 0, closedLate: 0, overdueAtMonthEnd: 0, reopened: 0, averageScore: 100 });
      expect(row({ items: byRoundType.integrity }, h.departments.logistics)).toMatchObject({ roundsHeld: 1, found: 1 });
      // Single-type rounds and findings: the types add up to the whole.
      for (const item of summary.items) {
        for (const figure of FIGURES) {
          const sum = (['administrative', 'party_building', 'integrity'] as const).reduce((total, type) => total + byRoundType[type].find((other: { departmentId: string }) => other.departmentId === item.departmentId)[figure], 0);
          expect({ department: item.departmentCode, figure, value: sum }).toEqual({ department: item.departmentCode, figure, value: item[figure] });
        }
      }
    });

    it('opens in Excel as the JSON reads: a summary sheet and one per round type, overdue departments red', async () => {
      const json = (await flow.as('discipline').get('/reports/monthly?month=2026-03').expect(200)).body;
      const response = await flow.as('discipline').get('/reports/monthly?month=2026-03&format=xlsx').buffer(true).parse(binaryBody).expect(200);
      expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(response.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('整改月度跟踪-2026-03.xlsx')}`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as never);
      // Last, the month's admonition interviews (interviews.e2e-spec).
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['汇总', '行政查房', '党建查房', '廉政查房', '按来源', '约谈']);
      const bySource = workbook.getWorksheet('按来源')!;
      expect(bySource.getRow(2).values).toEqual([undefined, ...SOURCE_COLUMNS.map((column) => column.zh)]);
      expect(bySource.rowCount).toBe(2 + FINDING_SOURCES.length);
      const round = bySource.getRow(3);
      expect([1, 2, 3, 4, 5, 6, 7].map((c) => (c <= 2 ? round.getCell(c).text : round.getCell(c).value))).toEqual([LABELS.source.round.zh, LABELS.source.round.en, 8, 1, 1, 3, 0]);
      const sheets: [string, Record<string, unknown>[]][] = [
        ['汇总', json.items],
        ['行政查房', json.byRoundType.administrative],
        ['党建查房', json.byRoundType.party_building],
        ['廉政查房', json.byRoundType.integrity],
      ];
      for (const [name, rows] of sheets) {
        const sheet = workbook.getWorksheet(name)!;
        expect(String(sheet.getCell('A1').value)).toMatch(/^2026-03 .+ — 生成于 generated \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Shanghai\)$/);
        expect(sheet.getRow(2).values).toEqual([undefined, ...MONTHLY_COLUMNS.map((column) => column.zh)]);
        expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
        expect(sheet.rowCount).toBe(2 + rows.length);
        rows.forEach((item, i) => {
          const cells = sheet.getRow(3 + i);
          // Text cells are inline strings: their text is what was typed.
          const read = (c: number, kind: string) => (kind === 'text' ? cells.getCell(c).text : (cells.getCell(c).value ?? null));
          MONTHLY_COLUMNS.forEach((column, c) =>
            expect({ name, column: column.key, value: read(c + 1, column.kind) }).toEqual({
              name,
              column: column.key,
              value: column.key === 'grade' ? (item.gradeLabel as { zh: string }).zh : column.key === 'partyBranchName' ? (item.partyBranchName ?? '') : item[column.key],
            }),
          );
          const fill = cells.getCell(1).fill as ExcelJS.FillPattern | undefined;
          expect(fill?.fgColor?.argb === 'FFFDE2E2').toBe((item.overdueAtMonthEnd as number) > 0);
        });
      }
    });

    it("gives a department's staff their own row on every sheet, and refuses those without figures", async () => {
      const own = (await flow.as('cardiologyStaff').get('/reports/monthly?month=2026-03').expect(200)).body;
      for (const items of [own.items, ...Object.values(own.byRoundType)] as { departmentId: string }[][]) {
        expect(items.map((item) => item.departmentId)).toEqual([h.departments.cardiology]);
      }
      const response = await flow.as('cardiologyStaff').get('/reports/monthly?month=2026-03&format=xlsx').buffer(true).parse(binaryBody).expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as never);
      expect(workbook.worksheets.map((sheet) => sheet.rowCount)).toEqual([3, 3, 3, 3, 2 + FINDING_SOURCES.length, 2]);
      await flow.as('cardiologyStaff').get(`/reports/monthly?month=2026-03&departmentId=${h.departments.surgery}`).expect(403);
      await flow.as('inspector').get('/reports/monthly?month=2026-03').expect(403);
      const refused = await flow.as('discipline').get('/reports/monthly?month=2026-3&format=pdf').expect(400);
      expect(refused.body.details.map((p: { field: string }) => p.field).sort()).toEqual(['format', 'month']);
    });

    it("notices the month's rounds, findings, closures, overdue and reopenings, month ends in hospital time", async () => {
      const march = await notice('2026-03', 'discipline');
      expect(march).toMatchObject({ month: '2026-03', from: '2026-02-28T16:00:00.000Z', to: '2026-03-31T16:00:00.000Z', asOf: '2026-03-31T16:00:00.000Z', limitedToDepartment: null, integrityCounts: null });
      expect(march.rounds.map((r: { scheduledFor: string; types: string[] }) => [r.scheduledFor, r.types[0]])).toEqual([
        ['2026-03-10', 'administrative'],
        ['2026-03-20', 'party_building'],
        ['2026-03-25', 'integrity'],
      ]);
      // The finding logged at 00:30 on 1 March, Shanghai time, is March's; February keeps one.
      expect(march.found).toBe(8);
      expect((await notice('2026-02', 'discipline')).found).toBe(1);
      expect(march.foundByDepartment).toEqual([
        { department: 'CARD', byType: { administrative: 5, party_building: 1, integrity: 0 }, total: 6 },
        { department: 'LOGI', byType: { administrative: 1, party_building: 0, integrity: 1 }, total: 2 },
      ]);
      expect(march).toMatchObject({ closed: 2, closedOnTime: 1, closedByDepartment: [{ department: 'CARD', closed: 2, onTime: 1, late: 1 }] });
      expect(march.lastClosed.map((f: { closedAt: string; onTime: boolean }) => [f.closedAt, f.onTime])).toEqual([
        ['2026-03-28T02:00:00.000Z', false],
        ['2026-03-12T02:00:00.000Z', true],
      ]);
      // Overdue when March ended: February's critical finding (due 8 March), the reopened one (17 March) and 1 March's (31 March).
      expect(march.overdue).toBe(3);
      expect(march.overdueByDepartment).toEqual([{ department: 'CARD', overdue: 3, longestDays: 24 }]);
      expect(march.longestOverdue.map((f: { daysOverdue: number }) => f.daysOverdue)).toEqual([24, 15, 1]);
      expect(march.reopened).toEqual([expect.objectContaining({ department: 'CARD', severity: 'critical', state: 'rectifying', reopenings: 1 })]);
      expect(march.openTrend.map((m: { month: string }) => m.month)).toEqual(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
      // The three overdue, the minor due in April, logistics' minor, the party finding and the integrity lead.
      expect(march.openTrend.at(-1).open).toBe(7);
      expect(march.openTrend.at(-2)).toEqual({ month: '2026-02', open: 1 });
      const april = await notice('2026-04', 'discipline');
      expect(april.repeats).toEqual([expect.objectContaining({ department: 'CARD', checklistItemCode: 'V', earlier: 1, severity: 'critical' })]);
      const future = await flow.as('discipline').get('/reports/notice?month=2026-05').expect(400);
      expect(future.body.details).toEqual([{ field: 'month', reason: expect.stringMatching(/^must not be after the current month/) }]);
    });

    it('shows integrity work only as counts to those not entitled to it, and a department its own work', async () => {
      const admin = await notice('2026-03', 'admin');
      expect(admin.found).toBe(7);
      expect(admin.rounds).toHaveLength(2);
      expect(admin.integrityCounts).toEqual({ roundsHeld: 1, found: 1, closed: 0, overdue: 0 });
      expect(JSON.stringify(admin)).not.toContain('收受红包');
      const page = await flow.as('admin').get('/reports/notice?month=2026-03').expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('<h2>廉政查房（仅统计数）</h2><p>本月廉政查房 1 次，发现问题 1 项，整改销号 0 项，逾期未整改 0 项。');
      expect(admin.foundByDepartment).toContainEqual({ department: 'LOGI', byType: { administrative: 1, party_building: 0, integrity: 0 }, total: 1 });
      const discipline = await flow.as('discipline').get('/reports/notice?month=2026-03').expect(200);
      expect(discipline.text).toContain('<td>LOGI</td><td>1</td><td>0</td><td>1</td><td>2</td>');
      expect(discipline.text).not.toContain('仅统计数');

      const cardiology = await notice('2026-03', 'cardiologyStaff');
      expect(cardiology).toMatchObject({ limitedToDepartment: 'CARD', found: 6, integrityCounts: null });
      expect(cardiology.rounds.map((r: { department: string }) => r.department)).toEqual(['CARD', 'CARD']);
      expect(JSON.stringify(cardiology)).not.toContain('LOGI');
    });

    it('prints in Chinese by default and in English on request, with its charts drawn as SVG', async () => {
      const zh = (await flow.as('discipline').get('/reports/notice?month=2026-03').expect(200)).text;
      expect(zh).toContain('<html lang="zh-CN">');
      expect(zh).toContain('<h1>2026年3月“三查房”及问题整改情况通报</h1>');
      expect(zh).toContain('本月查房 3 次，发现问题 8 项，整改销号 2 项，逾期未整改 3 项。');
      // Overdue and lights by department, and the trend.
      expect(zh.match(/<svg/g)).toHaveLength(3);
      expect(zh).toContain('各科室逾期未整改问题数');
      expect(zh).toContain('各科室督办灯');
      const en = (await flow.as('discipline').get('/reports/notice?month=2026-03&lang=en').expect(200)).text;
      expect(en).toContain('<h1>Triple-round inspections and rectification: notice for 2026-03</h1>');
      expect(en).toContain('This month: 3 rounds, 8 findings logged, 2 closed, 3 overdue.');
      expect(en).toContain('Findings open at month end');
      await flow.as('discipline').get('/reports/notice?month=2026-03&lang=fr').expect(400);
    });
  });

  it('counts exactly what four generated months of findings hold', async () => {
    // A seeded generator: the same data on every run, so a failure can be replayed.
    let seed = 20261123;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
    const departments = [h.departments.surgery];
    const facts: { severity: Severity; createdAt: Date; closedAt: Date | null; deadline: string }[] = [];
    const DAY = 86_400_000;
    for (let month = 5; month <= 8; month++) {
      for (let visit = 0; visit < 3; visit++) {
        const day = 1 + Math.floor(random() * 27);
        const start = new Date(Date.UTC(2026, month - 1, day, Math.floor(random() * 24), 7));
        at(start.toISOString());
        const roundId = await startedRound('administrative', new Date(start.getTime() + 8 * 3_600_000).toISOString().slice(0, 10), departments[0]);
        await pass(roundId, 'A');
        await pass(roundId, 'V');
        const ids: [string, Severity][] = [];
        for (let n = 0; n < 3; n++) {
          const severity = pick(['minor', 'major', 'critical'] as const);
          ids.push([await log(roundId, 'administrative', severity, departments[0]), severity]);
        }
        await submit(roundId);
        // Planned at once, committing to the deadline: a plan comes before the deadline passes.
        for (const [id] of ids) await plan(id);
        for (const [id, severity] of ids) {
          const finding = (await flow.as('discipline').get(`/findings/${id}`).expect(200)).body;
          const closeAfterDays = pick([null, 2, 9, 20, 40]);
          let closedAt: Date | null = null;
          if (closeAfterDays !== null) {
            at(new Date(start.getTime() + closeAfterDays * DAY).toISOString());
            await close(id);
            closedAt = new Date(now);
          }
          facts.push({ severity, createdAt: new Date(finding.createdAt), closedAt, deadline: finding.deadline.slice(0, 10) });
        }
      }
    }
    const shanghaiDate = (instant: Date) => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const shanghaiMonth = (instant: Date) => shanghaiDate(instant).slice(0, 7);
    const totals = { closedOnTime: 0, closedLate: 0, overdueAtMonthEnd: 0 };
    for (const month of ['2026-05', '2026-06', '2026-07', '2026-08']) {
      const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).toISOString().slice(0, 10);
      const monthEnd = new Date(`${lastDay}T16:00:00Z`);
      const closedInMonth = facts.filter((f) => f.closedAt && shanghaiMonth(f.closedAt) === month);
      const expected = {
        found: facts.filter((f) => shanghaiMonth(f.createdAt) === month).length,
        closedOnTime: closedInMonth.filter((f) => shanghaiDate(f.closedAt!) <= f.deadline).length,
        closedLate: closedInMonth.filter((f) => shanghaiDate(f.closedAt!) > f.deadline).length,
        overdueAtMonthEnd: facts.filter((f) => f.createdAt < monthEnd && (!f.closedAt || f.closedAt >= monthEnd) && f.deadline <= lastDay).length,
      };
      const actual = row(await assessment(month), h.departments.surgery);
      expect({ month, ...actual }).toMatchObject({ month, ...expected });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += expected[key];
      // And against the rows themselves.
      const [{ n }] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM findings WHERE "responsibleDepartmentId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3`.replace(/\$\d/g, onPostgres ? (m) => m : () => '?'),
        [h.departments.surgery, ...(onPostgres ? [new Date(`${month}-01T00:00:00+08:00`), monthEnd] : [sqliteInstant(new Date(`${month}-01T00:00:00+08:00`)), sqliteInstant(monthEnd)])],
      );
      expect(Number(n)).toBe(expected.found);
    }
    // The generator reached every case the figures tell apart.
    expect(facts.length).toBe(36);
    expect(Object.values(totals).every((total) => total > 0)).toBe(true);
  });
});

const sqliteInstant = (instant: Date) => instant.toISOString().replace('T', ' ').replace('Z', '');
