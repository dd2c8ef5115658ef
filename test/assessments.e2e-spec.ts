import { Clock } from '../src/common/clock';
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
describe(`monthly department assessment (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
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

  async function close(findingId: string): Promise<void> {
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body;
    const staff = staffFor(finding.responsibleDepartmentId);
    await flow.send(staff, findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: finding.deadline.slice(0, 10) });
    await flow.submitEvidence(staff, findingId, 'n');
    const verified = await flow.send(verifierFor[finding.roundType as Type], findingId, { type: 'VERIFY_ACCEPT' });
    if (verified.body.state === 'closure_audit') await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
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
      weights: { score: 0.6, timeliness: 0.4, vetoPenalty: 20, overduePenalty: 2, reopenPenalty: 2 },
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
      averageDaysToClose: 10,
      // 0.6 × 92.5 + 0.4 × 100 × 1/(2 closed + 3 overdue) − 20 × 1 veto − 2 × 3 overdue − 2 × 1 reopened
      assessment: 35.5,
    });
    expect(row(march, h.departments.logistics)).toMatchObject({ found: 1, roundsHeld: 0, averageScore: null, assessment: 100 });
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
