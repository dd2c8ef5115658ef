import { DateTime } from 'luxon';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Identity = { id: string; token: string };

/**
 * The hospital's leadership (医院领导, 领导小组) reads the whole programme: every department's rounds,
 * findings, plans, reports and assessments, integrity work as hospital-wide counts only. It writes
 * nothing. Holding the discipline_office role as well, it reads integrity work as that office does.
 */
describe(`the hospital's leadership reads everything and writes nothing (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let leader: Identity;
  let leaderInDisciplineOffice: Identity;
  let month: string;
  const rounds: Record<'cardiology' | 'surgery' | 'integrity', string> = { cardiology: '', surgery: '', integrity: '' };
  const findings: Record<'cardiology' | 'surgery' | 'integrity', string> = { cardiology: '', surgery: '', integrity: '' };
  const plans: Record<'administrative' | 'integrity', string> = { administrative: '', integrity: '' };
  let interviewId: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (who: Identity, path: string) => t.http.get(path).set(bearer(who.token));
  const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

  /** A round held today in the department, its checklist passed, with one finding logged, submitted. */
  async function heldRound(type: 'administrative' | 'integrity', departmentId: string): Promise<{ roundId: string; findingId: string }> {
    const today = DateTime.now().setZone('Asia/Shanghai').toISODate()!;
    const body = { types: [type], departmentId, scheduledFor: today, leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const roundId = (await flow.as('lead').post('/rounds', body).expect(201)).body.id as string;
    await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'START' }).expect(200);
    await flow.as('lead').put(`/rounds/${roundId}/results/${TEST_ITEM}`, { result: 'pass' }).expect(200);
    const findingId = await flow.logFinding(roundId, type, { responsibleDepartmentId: departmentId });
    await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
    return { roundId, findingId };
  }

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    month = DateTime.now().setZone('Asia/Shanghai').toFormat('yyyy-MM');
    const newUser = async (username: string) =>
      (await t.http.post('/users').set(bearer(h.users.admin.token)).send({ username, password: PASSWORD, displayName: username, roles: ['leadership'] }).expect(201)).body.id as string;
    leader = { id: await newUser('leader'), token: await t.login('leader') };
    // The discipline_office role is the discipline office's to give, to a leader as to anyone.
    const secretary = await newUser('party-secretary');
    await t.http.patch(`/users/${secretary}`).set(bearer(h.users.discipline.token)).send({ roles: ['leadership', 'discipline_office'] }).expect(200);
    leaderInDisciplineOffice = { id: secretary, token: await t.login('party-secretary') };

    for (const [key, type, departmentId] of [
      ['cardiology', 'administrative', h.departments.cardiology],
      ['surgery', 'administrative', h.departments.surgery],
      ['integrity', 'integrity', h.departments.cardiology],
    ] as const) {
      ({ roundId: rounds[key], findingId: findings[key] } = await heldRound(type, departmentId));
    }
    const plan = (types: string[]) => ({ types, departmentIds: [h.departments.surgery], rule: 'FREQ=MONTHLY;BYMONTHDAY=1', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], startsOn: '2030-01-01' });
    plans.administrative = (await flow.as('lead').post('/round-plans', plan(['administrative'])).expect(201)).body.id;
    plans.integrity = (await flow.as('lead').post('/round-plans', plan(['integrity'])).expect(201)).body.id;
    const interview = { departmentId: h.departments.surgery, personId: h.users.surgeryStaff.id, findingIds: [findings.surgery], heldOn: DateTime.now().setZone('Asia/Shanghai').toISODate(), summary: 'talked it through' };
    interviewId = (await flow.as('discipline').post('/interviews', interview).expect(201)).body.id;
  });

  afterAll(() => t.close());

  it("lists every department's non-integrity rounds, findings, trails and plans, and nothing of integrity work", async () => {
    const listedRounds = ids((await get(leader, '/rounds?limit=500').expect(200)).body);
    expect(listedRounds).toEqual(expect.arrayContaining([rounds.cardiology, rounds.surgery]));
    expect(listedRounds).not.toContain(rounds.integrity);
    const listedFindings = ids((await get(leader, '/findings?limit=500').expect(200)).body);
    expect(listedFindings.sort()).toEqual([findings.cardiology, findings.surgery].sort());
    for (const key of ['cardiology', 'surgery'] as const) {
      await get(leader, `/rounds/${rounds[key]}`).expect(200);
      await get(leader, `/findings/${findings[key]}`).expect(200);
      expect((await get(leader, `/findings/${findings[key]}/audit`).expect(200)).body.total).toBeGreaterThan(0);
      expect((await get(leader, `/rounds/${rounds[key]}/audit`).expect(200)).body.total).toBeGreaterThan(0);
    }
    for (const path of [`/rounds/${rounds.integrity}`, `/findings/${findings.integrity}`, `/findings/${findings.integrity}/audit`, `/rounds/${rounds.integrity}/audit`, `/round-plans/${plans.integrity}`, `/interviews/${interviewId}`]) {
      expect({ path, status: (await get(leader, path)).status }).toEqual({ path, status: 404 });
    }
    // A plan tells whom the offices will visit: an integrity plan is the discipline office's to read.
    expect(ids({ items: (await get(leader, '/round-plans').expect(200)).body })).toEqual([plans.administrative]);
    await get(leader, `/round-plans/${plans.administrative}`).expect(200);
    // Interviews are the integrity office's records.
    expect((await get(leader, '/interviews?limit=500').expect(200)).body.total).toBe(0);
  });

  it("keeps an unannounced plan that may visit a leader's own department from that leader, as from the department", async () => {
    await t.http
      .post('/users')
      .set(bearer(h.users.admin.token))
      .send({ username: 'office-leader', password: PASSWORD, displayName: 'office-leader', roles: ['leadership'], departmentId: h.departments.logistics })
      .expect(201);
    const token = await t.login('office-leader');
    // Naming the leader's department, naming none (every functional department), naming another.
    const unannounced = (departmentIds: string[] | undefined) => ({
      types: ['administrative'],
      departmentIds,
      departmentKind: departmentIds ? undefined : 'functional',
      unannounced: true,
      rule: 'FREQ=MONTHLY;BYMONTHDAY=1',
      leadId: h.users.lead.id,
      teamMemberIds: [h.users.inspector.id],
      startsOn: '2030-01-01',
    });
    const visitingLogistics = (await flow.as('lead').post('/round-plans', unannounced([h.departments.logistics])).expect(201)).body.id;
    const visitingFunctional = (await flow.as('lead').post('/round-plans', unannounced(undefined)).expect(201)).body.id;
    const visitingSurgery = (await flow.as('lead').post('/round-plans', unannounced([h.departments.surgery])).expect(201)).body.id;
    const listed = (await t.http.get('/round-plans').set(bearer(token)).expect(200)).body.map((plan: { id: string }) => plan.id);
    expect(listed).toContain(visitingSurgery);
    expect(listed).not.toContain(visitingLogistics);
    expect(listed).not.toContain(visitingFunctional);
    await t.http.get(`/round-plans/${visitingLogistics}`).set(bearer(token)).expect(404);
    // A leader of no department reads them all.
    const all = ids({ items: (await get(leader, '/round-plans').expect(200)).body });
    expect(all).toEqual(expect.arrayContaining([visitingLogistics, visitingFunctional, visitingSurgery]));
  });

  it("reads every department's monthly figures and ranks, and integrity only as hospital-wide counts", async () => {
    const assessment = (await get(leader, `/assessments?month=${month}`).expect(200)).body;
    const row = (departmentId: string) => assessment.items.find((item: { departmentId: string }) => item.departmentId === departmentId);
    for (const departmentId of [h.departments.cardiology, h.departments.surgery]) {
      expect(row(departmentId)).toMatchObject({ rank: expect.any(Number), rankOf: expect.any(Number) });
    }
    const monthly = (await get(leader, `/reports/monthly?month=${month}`).expect(200)).body;
    const found = (departmentId: string) => monthly.items.find((item: { departmentId: string }) => item.departmentId === departmentId);
    expect(found(h.departments.cardiology)).toMatchObject({ found: 1, foundByType: { integrity: 0 } });
    expect(found(h.departments.surgery)).toMatchObject({ found: 1 });
    const coverage = (await get(leader, `/reports/coverage?year=${month.slice(0, 4)}&month=${month.slice(5)}`).expect(200)).body;
    expect(coverage.items.map((item: { roundType: string }) => item.roundType)).not.toContain('integrity');
    expect(coverage.integrityCounts).toMatchObject({ held: 1 });

    const notice = (await get(leader, `/reports/notice?month=${month}&format=json`).expect(200)).body;
    expect(notice).toMatchObject({ limitedToDepartment: null, found: 2, integrityCounts: { found: 1 } });
    await get(leader, `/reports/notice?month=${month}&format=html`).expect(200);
    expect((await get(leader, '/reports/ledger?limit=500').expect(200)).body.total).toBe(2);
    await get(leader, '/dashboard').expect(200);
  });

  it('is refused every write it tries, and nothing is written', async () => {
    const before = await t.counts();
    const finding = { source: 'special_inspection', roundType: 'administrative', title: 'x', description: 'x', severity: 'minor', responsibleDepartmentId: h.departments.cardiology };
    const round = { types: ['administrative'], departmentId: h.departments.cardiology, scheduledFor: '2030-01-02', leadId: h.users.lead.id, teamMemberIds: [] };
    const attempts: [method: 'post' | 'put' | 'patch', path: string, body: object][] = [
      ['post', '/findings', finding],
      ['post', `/findings/${findings.cardiology}/events`, { type: 'ACKNOWLEDGE' }],
      ['post', `/findings/${findings.cardiology}/events`, { type: 'DISPUTE', reason: 'not ours' }],
      ['post', '/findings/bulk-events', { findingIds: [findings.cardiology], event: { type: 'ACKNOWLEDGE' } }],
      ['post', '/rounds', round],
      ['post', `/rounds/${rounds.cardiology}/events`, { type: 'CANCEL', reason: 'x' }],
      ['post', `/rounds/${rounds.cardiology}/findings`, { roundType: 'administrative', title: 'x', description: 'x', severity: 'minor', responsibleDepartmentId: h.departments.cardiology }],
      ['put', `/rounds/${rounds.cardiology}/results/${TEST_ITEM}`, { result: 'fail' }],
      ['post', '/round-plans', { types: ['administrative'], departmentIds: [h.departments.surgery], rule: 'FREQ=MONTHLY', leadId: leader.id, teamMemberIds: [], startsOn: '2030-01-01' }],
      ['patch', `/round-plans/${plans.administrative}`, { rule: 'FREQ=WEEKLY' }],
      ['patch', `/departments/${h.departments.cardiology}`, { name: 'renamed' }],
      ['post', '/departments', { code: 'NEW', name: 'new', kind: 'clinical' }],
      ['post', '/interviews', { departmentId: h.departments.surgery, personId: h.users.surgeryStaff.id, findingIds: [findings.surgery], heldOn: '2026-11-01', summary: 'x' }],
      ['post', '/users', { username: 'x', password: PASSWORD, displayName: 'x', roles: ['leadership'] }],
      ['post', '/checklists', { roundType: 'administrative', title: 'x', items: [] }],
    ];
    for (const [method, path, body] of attempts) {
      const { status } = await t.http[method](path).set(bearer(leader.token)).send(body);
      expect({ method, path, status }).toEqual({ method, path, status: 403 });
    }
    const upload = await t.http.post('/attachments').set(bearer(leader.token)).attach('file', Buffer.from('%PDF-1.4\n'), 'minutes.pdf');
    expect(upload.status).toBe(403);
    expect(await t.counts()).toEqual(before);
  });

  it('reads integrity work in detail when the leader also holds the discipline_office role', async () => {
    for (const path of [`/rounds/${rounds.integrity}`, `/findings/${findings.integrity}`, `/round-plans/${plans.integrity}`, `/interviews/${interviewId}`]) {
      expect({ path, status: (await get(leaderInDisciplineOffice, path)).status }).toEqual({ path, status: 200 });
    }
    const listed = ids((await get(leaderInDisciplineOffice, '/findings?limit=500').expect(200)).body);
    expect(listed.sort()).toEqual(Object.values(findings).sort());
    expect(ids({ items: (await get(leaderInDisciplineOffice, '/round-plans').expect(200)).body })).toEqual(expect.arrayContaining(Object.values(plans)));
    const notice = (await get(leaderInDisciplineOffice, `/reports/notice?month=${month}&format=json`).expect(200)).body;
    expect(notice).toMatchObject({ found: 3, integrityCounts: null });
    const monthly = (await get(leaderInDisciplineOffice, `/reports/monthly?month=${month}`).expect(200)).body;
    expect(monthly.items.find((item: { departmentId: string }) => item.departmentId === h.departments.cardiology)).toMatchObject({ found: 2, foundByType: { integrity: 1 } });
  });
});
