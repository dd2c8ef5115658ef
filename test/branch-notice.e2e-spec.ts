import { Clock } from '../src/common/clock';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Type = 'administrative' | 'integrity';
type Counts = { found: number; closed: number; onTime: number; overdue: number; relapses: number };
type BranchRow = Counts & { partyBranchId: string | null; partyBranchName: string | null };
type Notice = {
  publishedAt: string | null;
  partyBranchId: string | null;
  partyBranchName: string | null;
  limitedToDepartment: string | null;
  rounds: { id: string; department: string }[];
  found: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  relapses: number;
  foundByDepartment: { department: string }[];
  lastClosed: { id: string; department: string }[];
  longestOverdue: { id: string; department: string }[];
  byBranch: BranchRow[];
  openTrend: { month: string; open: number }[];
  integrityCounts: { roundsHeld: number; found: number; closed: number; overdue: number } | null;
};

const SECRET = '供应商回扣 kickback from a supplier';

/**
 * The month's notice for one Party branch (一张清单), and the notice's rows by branch: the ward
 * branch has cardiology, the surgical branch surgery (with an integrity case), logistics is in none.
 */
describe(`the notice by Party branch (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2026-05-05T02:00:00Z');
  const branches = { ward: '', surgical: '' };
  const rounds = { cardiology: '', surgery: '', integrity: '', logistics: '' };
  const findings = { cardiologyClosed: '', cardiologyOverdue: '', surgery: '', secret: '', logistics: '' };

  const patch = (path: string, body: object) => t.http.patch(path).set('Authorization', `Bearer ${h.users.admin.token}`).send(body);

  async function round(type: Type, departmentId: string): Promise<string> {
    const body = { types: [type], departmentId, scheduledFor: '2026-05-05', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id;
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'START' }).expect(200);
    await flow.as('inspector').put(`/rounds/${id}/results/${TEST_ITEM}`, { result: 'pass' }).expect(200);
    return id;
  }

  const log = async (roundId: string, roundType: Type, severity: 'minor' | 'major' | 'critical', responsibleDepartmentId: string, title: string) =>
    (await flow.as('inspector').post(`/rounds/${roundId}/findings`, { roundType, title, description: 'd', severity, responsibleDepartmentId }).expect(201)).body.id as string;

  const notice = async (who: keyof Hospital['users'], filter = '') => (await flow.as(who).get(`/reports/notice?month=2026-05&format=json${filter}`).expect(200)).body as Notice;
  const ofBranch = (id: string) => `&partyBranchId=${id}`;
  const sum = (rows: Counts[], key: keyof Counts) => rows.reduce((total, row) => total + row[key], 0);
  const expectRowsAddUp = (figures: Notice) => {
    expect(sum(figures.byBranch, 'found')).toBe(figures.found);
    expect(sum(figures.byBranch, 'closed')).toBe(figures.closed);
    expect(sum(figures.byBranch, 'onTime')).toBe(figures.closedOnTime);
    expect(sum(figures.byBranch, 'overdue')).toBe(figures.overdue);
    expect(sum(figures.byBranch, 'relapses')).toBe(figures.relapses);
  };
  const departmentsListed = (figures: Notice) =>
    new Set([...figures.rounds, ...figures.foundByDepartment, ...figures.lastClosed, ...figures.longestOverdue].map((line) => line.department));

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    branches.ward = (await flow.as('admin').post('/party-branches', { code: 'PB-1', name: '内科党支部' }).expect(201)).body.id;
    branches.surgical = (await flow.as('admin').post('/party-branches', { code: 'PB-2', name: '外科党支部' }).expect(201)).body.id;
    await patch(`/departments/${h.departments.cardiology}`, { partyBranchId: branches.ward }).expect(200);
    await patch(`/departments/${h.departments.surgery}`, { partyBranchId: branches.surgical }).expect(200);

    rounds.cardiology = await round('administrative', h.departments.cardiology);
    findings.cardiologyClosed = await log(rounds.cardiology, 'administrative', 'minor', h.departments.cardiology, 'cardiology closed');
    findings.cardiologyOverdue = await log(rounds.cardiology, 'administrative', 'critical', h.departments.cardiology, 'cardiology overdue'); // due 12 May
    rounds.surgery = await round('administrative', h.departments.surgery);
    findings.surgery = await log(rounds.surgery, 'administrative', 'critical', h.departments.surgery, 'surgery overdue');
    rounds.integrity = await round('integrity', h.departments.surgery);
    findings.secret = await log(rounds.integrity, 'integrity', 'major', h.departments.surgery, SECRET);
    rounds.logistics = await round('administrative', h.departments.logistics);
    findings.logistics = await log(rounds.logistics, 'administrative', 'minor', h.departments.logistics, 'logistics open');

    for (const id of Object.values(rounds)) await flow.as('lead').post(`/rounds/${id}/events`, { type: 'SUBMIT' }).expect(200);

    now = new Date('2026-05-06T02:00:00Z');
    const closing = (await flow.as('discipline').get(`/findings/${findings.cardiologyClosed}`).expect(200)).body;
    await flow.send('cardiologyStaff', findings.cardiologyClosed, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: closing.deadline.slice(0, 10) });
    await flow.submitEvidence('cardiologyStaff', findings.cardiologyClosed, 'n');
    const verified = await flow.send('adminVerifier', findings.cardiologyClosed, { type: 'VERIFY_ACCEPT' });
    if (verified.body.state === 'closure_audit') await flow.send('discipline', findings.cardiologyClosed, { type: 'AUDIT_APPROVE' });
    now = new Date('2026-06-02T02:00:00Z');
  });
  afterAll(() => t.close());

  it('counts the month by branch, the departments in no branch in one row, the rows adding up to the notice', async () => {
    const whole = await notice('discipline');
    expect(whole.partyBranchId).toBeNull();
    expect(whole.byBranch).toEqual([
      { partyBranchId: branches.ward, partyBranchName: '内科党支部', found: 2, closed: 1, onTime: 1, overdue: 1, relapses: 0 },
      { partyBranchId: branches.surgical, partyBranchName: '外科党支部', found: 2, closed: 0, onTime: 0, overdue: 2, relapses: 0 },
      { partyBranchId: null, partyBranchName: null, found: 1, closed: 0, onTime: 0, overdue: 0, relapses: 0 },
    ]);
    expectRowsAddUp(whole);
    // Made of what the reader may see: the integrity case is not in the surgical branch's row for the hospital at large.
    const admin = await notice('admin');
    expect(admin.byBranch.find((row) => row.partyBranchId === branches.surgical)).toEqual(expect.objectContaining({ found: 1, overdue: 1 }));
    expectRowsAddUp(admin);
    // Department staff see their own department's row only.
    expect((await notice('cardiologyStaff')).byBranch).toEqual([expect.objectContaining({ partyBranchId: branches.ward, found: 2 })]);
  });

  it('keeps a branch’s notice to its departments: their rounds, findings, closures, overdue and trend', async () => {
    const ward = await notice('discipline', ofBranch(branches.ward));
    expect(ward).toEqual(expect.objectContaining({ partyBranchId: branches.ward, partyBranchName: '内科党支部', found: 2, closed: 1, closedOnTime: 1, overdue: 1 }));
    expect(ward.rounds.map((r) => r.id)).toEqual([rounds.cardiology]);
    expect(departmentsListed(ward)).toEqual(new Set(['CARD']));
    expect(ward.lastClosed.map((f) => f.id)).toEqual([findings.cardiologyClosed]);
    expect(ward.longestOverdue.map((f) => f.id)).toEqual([findings.cardiologyOverdue]);
    expect(ward.byBranch).toEqual([expect.objectContaining({ partyBranchId: branches.ward, found: 2 })]);
    expect(ward.openTrend.at(-1)).toEqual({ month: '2026-05', open: 1 });
    expectRowsAddUp(ward);

    const surgical = await notice('discipline', ofBranch(branches.surgical));
    expect(surgical.rounds.map((r) => r.id).sort()).toEqual([rounds.surgery, rounds.integrity].sort());
    expect(departmentsListed(surgical)).toEqual(new Set(['SURG']));
    expect(surgical.longestOverdue.map((f) => f.id).sort()).toEqual([findings.surgery, findings.secret].sort());

    // The page says which branch it covers and lists that branch's work only.
    const page = (await flow.as('discipline').get(`/reports/notice?month=2026-05${ofBranch(branches.ward)}`).expect(200)).text;
    expect(page).toContain('本通报仅含内科党支部所属科室的查房和问题。');
    expect(page).toContain('cardiology overdue');
    expect(page).not.toContain('surgery overdue');
    expect(page).not.toContain('logistics open');
    expect(page).toContain('<h2>四、各党支部问题整改情况（按责任科室所属党支部）</h2>');
    const en = (await flow.as('discipline').get(`/reports/notice?month=2026-05&lang=en`).expect(200)).text;
    expect(en).toContain('<tr class="alert"><td>外科党支部</td><td>2</td><td>0</td><td>0</td><td>2</td><td>0</td></tr>');
    expect(en).toContain('<tr><td>No branch</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>');
  });

  it('names no integrity case to a reader not entitled, in the rows by branch or a branch’s notice: integrity counts stay hospital-wide, never a branch’s', async () => {
    for (const who of ['admin', 'adminVerifier'] as const) {
      const surgical = await notice(who, ofBranch(branches.surgical));
      expect(JSON.stringify(surgical)).not.toContain(SECRET);
      expect(surgical.rounds.map((r) => r.id)).toEqual([rounds.surgery]);
      expect(surgical.byBranch).toEqual([expect.objectContaining({ partyBranchId: branches.surgical, found: 1, overdue: 1 })]);
      // A branch of one department would tell that department's integrity work: the counts are the whole hospital's.
      const hospitalWide = (await notice(who)).integrityCounts;
      expect(hospitalWide).toEqual({ roundsHeld: 1, found: 1, closed: 0, overdue: 1 });
      expect(surgical.integrityCounts).toEqual(hospitalWide);
      expect((await notice(who, ofBranch(branches.ward))).integrityCounts).toEqual(hospitalWide);
      const page = (await flow.as(who).get(`/reports/notice?month=2026-05${ofBranch(branches.surgical)}`).expect(200)).text;
      expect(page).not.toContain(SECRET);
      expect(page).toContain('本月廉政查房 1 次，发现问题 1 项');
    }
    expect(JSON.stringify(await notice('admin'))).not.toContain(SECRET);
  });

  it('keeps department staff to their own department within a branch', async () => {
    const own = await notice('cardiologyStaff', ofBranch(branches.ward));
    expect(own).toEqual(expect.objectContaining({ limitedToDepartment: 'CARD', found: 2 }));
    const other = await notice('cardiologyStaff', ofBranch(branches.surgical));
    expect(other).toEqual(expect.objectContaining({ limitedToDepartment: 'CARD', found: 0, overdue: 0, rounds: [], byBranch: [] }));
  });

  it('refuses an unknown branch (404) and a malformed one (400)', async () => {
    await flow.as('discipline').get('/reports/notice?month=2026-05&format=json&partyBranchId=00000000-0000-4000-8000-000000000000').expect(404);
    await flow.as('discipline').get(`/reports/notice?month=2026-05&format=json&partyBranchId=${encodeURIComponent("x' OR 1=1")}`).expect(400);
  });

  it('answers a branch of a published month live, and the whole month as published; records the branch read', async () => {
    await flow.as('discipline').post('/reports/notice/publish', { month: '2026-05' }).expect(201);
    const published = await notice('discipline');
    expect(published.publishedAt).not.toBeNull();
    expect(published.byBranch.map((row) => row.partyBranchId)).toEqual([branches.ward, branches.surgical, null]);
    // Logistics joins the ward branch after publication: the branch's notice counts it, the published month does not move.
    await patch(`/departments/${h.departments.logistics}`, { partyBranchId: branches.ward }).expect(200);
    const ward = await notice('discipline', ofBranch(branches.ward));
    expect(ward).toEqual(expect.objectContaining({ publishedAt: null, found: 3 }));
    expect(ward.rounds.map((r) => r.id).sort()).toEqual([rounds.cardiology, rounds.logistics].sort());
    const [read] = await t.dataSource.query(`SELECT "payload" FROM "audit_entries" WHERE "entityType" = 'data_access' AND "event" = 'NOTICE_READ' ORDER BY "id" DESC LIMIT 1`);
    expect(typeof read.payload === 'string' ? JSON.parse(read.payload) : read.payload).toEqual(expect.objectContaining({ filter: { month: '2026-05', partyBranchId: branches.ward } }));
    expect((await notice('discipline')).byBranch).toEqual(published.byBranch);
  });
});
