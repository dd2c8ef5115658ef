import { Clock } from '../src/common/clock';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

interface TypicalCase {
  findingId: string;
  title: string;
  departmentName: string;
  roundType: string;
  reason: string;
  markedAt: string;
}

describe(`typical cases (典型案例) (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let year: string;
  const findings = { administrative: '', integrity: '' };
  const HOSTILE_REASON = '=HYPERLINK("http://x")<script>alert(1)</script> 收受红包，屡查屡犯';

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    year = t.app.get(Clock).dateOf(new Date()).slice(0, 4);
    findings.administrative = (await flow.assignedFinding('administrative')).findingId;
    findings.integrity = (await flow.assignedFinding('integrity', { title: '收受红包 secret-gift-finding' })).findingId;
  });
  afterAll(() => t.close());

  const mark = (who: keyof Hospital['users'], findingId: string, reason: string) => flow.as(who).put(`/findings/${findingId}/typical-case`, { reason });
  const listed = async (who: keyof Hospital['users'], of = year) => (await flow.as(who).get(`/typical-cases?year=${of}`).expect(200)).body as { items: TypicalCase[]; total: number };

  it('lets the discipline office mark a finding, with why, once in the trail however often it is sent again', async () => {
    const first = await mark('discipline', findings.administrative, HOSTILE_REASON).expect(200);
    expect(first.body).toMatchObject({ findingId: findings.administrative, roundType: 'administrative', departmentName: 'CARD', reason: HOSTILE_REASON, state: 'assigned' });
    await mark('discipline', findings.administrative, HOSTILE_REASON).expect(200);
    expect((await flow.auditEvents('findings', findings.administrative)).filter((event) => event === 'MARK_TYPICAL_CASE')).toHaveLength(1);

    const reworded = await mark('discipline', findings.administrative, '屡查屡犯 repeated after every round').expect(200);
    expect(reworded.body.markedAt).toBe(first.body.markedAt);
    expect((await flow.auditEvents('findings', findings.administrative)).filter((event) => event === 'MARK_TYPICAL_CASE')).toHaveLength(2);
    await mark('discipline', findings.administrative, HOSTILE_REASON).expect(200);
  });

  it('takes marks sent at once in turn: every answer 200, one entry in the trail', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    const answers = await Promise.all(Array.from({ length: 6 }, () => mark('discipline', findingId, '同时提交 sent at once')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect((await flow.auditEvents('findings', findingId)).filter((event) => event === 'MARK_TYPICAL_CASE')).toHaveLength(1);
    await flow.as('discipline').delete(`/findings/${findingId}/typical-case`).expect(204);
  });

  it('lists the year’s cases among the findings each reader may see: integrity ones only inside integrity', async () => {
    await mark('discipline', findings.integrity, '收受红包的典型 secret-gift-case').expect(200);
    const inside = await listed('discipline');
    expect(inside.items.map((typical) => typical.findingId)).toEqual([findings.administrative, findings.integrity]);
    expect(inside.items[0].reason).toBe(HOSTILE_REASON);
    // The responsible department is inside its own integrity findings.
    expect((await listed('cardiologyStaff')).items.map((typical) => typical.findingId)).toEqual([findings.administrative, findings.integrity]);
    const outside = await listed('adminVerifier');
    expect(outside).toMatchObject({ total: 1, items: [{ findingId: findings.administrative }] });
    expect(JSON.stringify(outside)).not.toContain('secret-gift');
    expect(await listed('surgeryStaff')).toMatchObject({ total: 0, items: [] });
    expect(await listed('discipline', String(Number(year) - 1))).toMatchObject({ total: 0, items: [] });
  });

  it('refuses other roles, unknown or withdrawn findings, and bad input, writing nothing', async () => {
    await mark('adminVerifier', findings.administrative, 'x').expect(403);
    await mark('admin', findings.administrative, 'x').expect(403);
    await mark('discipline', '00000000-0000-4000-8000-000000000000', 'x').expect(404);
    const empty = await mark('discipline', findings.administrative, '   ').expect(400);
    expect(empty.body.details.map((problem: { field: string }) => problem.field)).toContain('reason');
    const badYear = await flow.as('discipline').get('/typical-cases?year=26').expect(400);
    expect(badYear.body.details.map((problem: { field: string }) => problem.field)).toEqual(['year']);

    const { findingId: withdrawn } = await flow.assignedFinding('administrative');
    await flow.send('lead', withdrawn, { type: 'WITHDRAW', reason: 'Logged twice' });
    await mark('discipline', withdrawn, 'x').expect(409);
    expect((await listed('discipline')).total).toBe(2);
  });

  it('takes a mark back, in the trail, and says so when there is none', async () => {
    await flow.as('discipline').delete(`/findings/${findings.integrity}/typical-case`).expect(204);
    expect((await listed('discipline')).items.map((typical) => typical.findingId)).toEqual([findings.administrative]);
    expect(await flow.auditEvents('findings', findings.integrity)).toContain('UNMARK_TYPICAL_CASE');
    await flow.as('discipline').delete(`/findings/${findings.integrity}/typical-case`).expect(404);
    await flow.as('adminVerifier').delete(`/findings/${findings.administrative}/typical-case`).expect(403);
  });
});
