import { Clock } from '../src/common/clock';
import { LABELS } from '../workflows';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

interface Item {
  departmentId: string;
  assessment: number | null;
  grade: string;
  gradeCause: { roundType: string; roundId: string | null; itemCode: string | null } | null;
  gradeLabel: { zh: string; en: string };
  eligible: boolean;
  rank: number | null;
  rankTies: number | null;
  rankOf: number;
  [figure: string]: unknown;
}

/**
 * Grades, vetoes and ranks of the monthly assessment. With no findings a round's department scores
 * 0.6 × round score + 40, so the thresholds are set where whole deductions land on them:
 * round score 90 → 94 (优秀 from 94), 80 → 88 (良好 from 88), 50 → 70 (合格 from 70).
 */
describe(`grades, vetoes and ranks of the monthly assessment (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2026-05-10T02:00:00Z');
  const at = (iso: string) => (now = new Date(iso));
  const departments: Record<string, string> = {};
  const rounds: Record<string, string> = {};

  async function department(code: string, kind: 'clinical' | 'functional'): Promise<string> {
    const body = { code, name: code, kind, leadOfficeFor: [] };
    return (await flow.as('admin').post('/departments', body).expect(201)).body.id as string;
  }

  /** A round held at `departmentId` on 10 May, its ordinary item failed for `deduction` points, its bottom-line item as `veto` says. */
  async function heldRound(departmentId: string, type: 'administrative' | 'integrity', deduction: number, veto: 'pass' | 'fail' = 'pass'): Promise<string> {
    const body = { types: [type], departmentId, scheduledFor: '2026-05-10', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id as string;
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'START' }).expect(200);
    const ordinary = deduction === 0 ? { result: 'pass' } : { result: 'fail', deduction };
    await flow.as('inspector').put(`/rounds/${id}/results/A`, ordinary).expect(200);
    await flow.as('inspector').put(`/rounds/${id}/results/V`, { result: veto, ...(veto === 'fail' && { deduction: 0 }) }).expect(200);
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'SUBMIT' }).expect(200);
    return id;
  }

  const report = async (month: string, who: keyof Hospital['users'] = 'discipline'): Promise<Item[]> =>
    (await flow.as(who).get(`/assessments?month=${month}`).expect(200)).body.items;
  const of = (items: Item[], name: string) => items.find((item) => item.departmentId === departments[name])!;

  beforeAll(async () => {
    t = await startApp({ ASSESSMENT_GRADE_THRESHOLDS: 'excellent:94,good:88,pass:70' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    // Standards with an ordinary item worth up to 60 points and a bottom-line item (底线标准).
    const items = [
      { code: 'A', title: '核心制度', titleEn: 'Core systems', category: '质量', standard: 'Applied', maxDeduction: 60, veto: false },
      { code: 'V', title: '底线', titleEn: 'Bottom line', category: '底线标准', standard: 'None', maxDeduction: 5, veto: true },
    ];
    for (const roundType of ['administrative', 'integrity']) {
      await flow.as('admin').post('/checklists', { roundType, title: 'Standard', items }).expect(201);
    }
    Object.assign(departments, { cardiology: h.departments.cardiology, surgery: h.departments.surgery, logistics: h.departments.logistics });
    for (const code of ['good', 'goodTie', 'pass', 'passLow', 'failLow', 'vetoed', 'unvisited']) departments[code] = await department(code.toUpperCase(), 'clinical');
    // Clinical: on and just under each threshold, a tie, a veto on a perfect round, one never visited.
    rounds.cardiology = await heldRound(departments.cardiology, 'administrative', 10); // 94
    rounds.surgery = await heldRound(departments.surgery, 'administrative', 11); // 93.4
    rounds.good = await heldRound(departments.good, 'administrative', 20); // 88
    rounds.goodTie = await heldRound(departments.goodTie, 'administrative', 20); // 88
    rounds.pass = await heldRound(departments.pass, 'administrative', 21); // 87.4
    rounds.passLow = await heldRound(departments.passLow, 'administrative', 50); // 70
    rounds.failLow = await heldRound(departments.failLow, 'administrative', 51); // 69.4
    rounds.vetoed = await heldRound(departments.vetoed, 'administrative', 0, 'fail'); // 100 − 20 veto penalty = 80
    // Functional: an integrity veto at logistics, which only integrity may see in detail.
    rounds.logistics = await heldRound(departments.logistics, 'integrity', 0, 'fail');
    // The unvisited department has a complaint registered in May: no round, yet its finding counts.
    const complaint = { source: 'complaint', title: 'long waits', description: 'd', severity: 'minor', roundType: 'administrative', deadline: '2026-05-20', responsibleDepartmentId: departments.unvisited };
    await flow.as('adminVerifier').post('/findings', complaint).expect(201);
    at('2026-06-02T02:00:00Z');
  });

  afterAll(() => t.close());

  it('grades each department by the thresholds, on and just under each boundary', async () => {
    const may = await report('2026-05');
    const graded = (name: string) => ({ name, assessment: of(may, name).assessment, grade: of(may, name).grade, label: of(may, name).gradeLabel });
    const expected = (name: string, assessment: number, grade: 'excellent' | 'good' | 'pass' | 'fail') => ({ name, assessment, grade, label: LABELS.grade[grade] });
    expect(graded('cardiology')).toEqual(expected('cardiology', 94, 'excellent'));
    expect(graded('surgery')).toEqual(expected('surgery', 93.4, 'good'));
    expect(graded('good')).toEqual(expected('good', 88, 'good'));
    expect(graded('pass')).toEqual(expected('pass', 87.4, 'pass'));
    expect(graded('passLow')).toEqual(expected('passLow', 70, 'pass'));
    expect(graded('failLow')).toEqual(expected('failLow', 69.4, 'fail'));
    for (const name of ['cardiology', 'failLow']) expect(of(may, name)).toMatchObject({ gradeCause: null, eligible: true, eligibilityCause: null });
    expect((await flow.as('discipline').get('/assessments?month=2026-05').expect(200)).body.gradeThresholds).toEqual({ excellent: 94, good: 88, pass: 70 });
  });

  it('fails a vetoed department whatever its score, names the round and item, and keeps it ineligible for the rest of the year', async () => {
    const cause = { roundType: 'administrative', roundId: rounds.vetoed, itemCode: 'V' };
    for (const who of ['discipline', 'admin', 'adminVerifier'] as const) {
      expect(of(await report('2026-05', who), 'vetoed')).toMatchObject({ assessment: 80, grade: 'fail', gradeCause: cause, gradeLabel: LABELS.grade.vetoed, eligible: false, eligibilityCause: cause });
    }
    // June holds no round: not inspected, yet still ineligible for the year; the next year starts clean.
    expect(of(await report('2026-06'), 'vetoed')).toMatchObject({ assessment: null, grade: 'not_inspected', gradeCause: null, eligible: false, eligibilityCause: cause });
    expect(of(await report('2027-01'), 'vetoed')).toMatchObject({ grade: 'not_inspected', eligible: true, eligibilityCause: null });
    // Before the veto the year was clean.
    expect(of(await report('2026-04'), 'vetoed')).toMatchObject({ eligible: true });
  });

  it('names an integrity veto only inside integrity: outside it reads 不合格 (廉政一票否决) with no round or item', async () => {
    const inside = of(await report('2026-05', 'discipline'), 'logistics');
    const named = { roundType: 'integrity', roundId: rounds.logistics, itemCode: 'V' };
    expect(inside).toMatchObject({ roundsHeld: 1, grade: 'fail', gradeCause: named, gradeLabel: LABELS.grade.integrity_vetoed, eligible: false, eligibilityCause: named });
    expect(LABELS.grade.integrity_vetoed.zh).toBe('不合格 (廉政一票否决)');
    const hidden = { roundType: 'integrity', roundId: null, itemCode: null };
    for (const who of ['admin', 'adminVerifier'] as const) {
      const response = await flow.as(who).get('/assessments?month=2026-05').expect(200);
      const outside = of(response.body.items, 'logistics');
      expect({ who, outside }).toMatchObject({
        who,
        outside: { roundsHeld: 0, assessment: null, grade: 'fail', gradeCause: hidden, gradeLabel: LABELS.grade.integrity_vetoed, eligible: false, eligibilityCause: hidden, rank: null },
      });
      expect(JSON.stringify(response.body)).not.toContain(rounds.logistics);
    }
  });

  it('leaves a department never inspected without a score or rank, its findings still counted', async () => {
    const may = await report('2026-05', 'admin');
    expect(of(may, 'unvisited')).toMatchObject({
      roundsHeld: 0,
      averageScore: null,
      assessment: null,
      grade: 'not_inspected',
      gradeLabel: LABELS.grade.not_inspected,
      gradeCause: null,
      eligible: true,
      rank: null,
      rankTies: null,
      rankOf: 8,
      found: 1,
      foundBySeverity: { minor: 1, major: 0, critical: 0 },
      // Due on 20 May and left open: overdue though nobody visited.
      overdueAtMonthEnd: 1,
    });
    expect(of(await report('2026-06', 'admin'), 'unvisited')).toMatchObject({ grade: 'not_inspected', assessment: null, found: 0, overdueAtMonthEnd: 1 });
  });

  it('ranks within each kind, ties sharing a rank and the next skipping, vetoed departments last', async () => {
    const may = await report('2026-05');
    const ranks = Object.fromEntries(
      ['cardiology', 'surgery', 'good', 'goodTie', 'pass', 'passLow', 'failLow', 'vetoed', 'unvisited'].map((name) => [name, [of(may, name).rank, of(may, name).rankTies, of(may, name).rankOf]]),
    );
    expect(ranks).toEqual({
      cardiology: [1, 1, 8],
      surgery: [2, 1, 8],
      good: [3, 2, 8],
      goodTie: [3, 2, 8],
      pass: [5, 1, 8],
      passLow: [6, 1, 8],
      failLow: [7, 1, 8],
      vetoed: [8, 1, 8],
      unvisited: [null, null, 8],
    });
    // Functional departments rank among themselves: for the discipline office logistics is the only one inspected.
    expect(of(may, 'logistics')).toMatchObject({ rank: 1, rankTies: 1, rankOf: 1 });
    // A department asked for alone keeps its rank among all its kind.
    const alone = (await flow.as('discipline').get(`/assessments?month=2026-05&departmentId=${departments.goodTie}`).expect(200)).body.items;
    expect(alone).toEqual([of(may, 'goodTie')]);
    // A department's own staff read its grade, not a rank among figures they may not see.
    const own = (await report('2026-05', 'cardiologyStaff'))[0];
    expect(own).toMatchObject({ departmentId: departments.cardiology, grade: of(may, 'cardiology').grade, rank: null, rankTies: null, rankOf: null });
  });
});
