import { Clock } from '../src/common/clock';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Type = 'administrative' | 'integrity';
type Severity = 'minor' | 'major' | 'critical';
type Row = { departmentId: string; found: number; closedOnTime: number; closedLate: number; overdueAtMonthEnd: number; relapses: number; foundByType: Record<Type, number> };

const SECRET = '供应商回扣 kickback from a supplier';

/**
 * Published months, on a clock the test drives: May is published in June, then June changes the
 * facts of May (a finding reassigned, one closed late, a relapse); May answers as published, June
 * counts what happened in June.
 */
describe(`published months (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now = new Date('2026-05-05T02:00:00Z');
  const at = (iso: string) => (now = new Date(iso));
  const ids: Record<'reassigned' | 'closedLate' | 'relapsed' | 'secret', string> = { reassigned: '', closedLate: '', relapsed: '', secret: '' };

  async function round(type: Type, departmentId: string): Promise<string> {
    const body = { types: [type], departmentId, scheduledFor: '2026-05-05', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
    const id = (await flow.as('lead').post('/rounds', body).expect(201)).body.id;
    await flow.as('lead').post(`/rounds/${id}/events`, { type: 'START' }).expect(200);
    await flow.as('inspector').put(`/rounds/${id}/results/${TEST_ITEM}`, { result: 'pass' }).expect(200);
    return id;
  }

  const log = async (roundId: string, roundType: Type, severity: Severity, responsibleDepartmentId: string, title = 'finding') =>
    (await flow.as('inspector').post(`/rounds/${roundId}/findings`, { roundType, title, description: 'd', severity, responsibleDepartmentId }).expect(201)).body.id as string;

  async function close(findingId: string): Promise<void> {
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body;
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: finding.deadline.slice(0, 10) });
    await flow.submitEvidence('cardiologyStaff', findingId, 'n');
    const verified = await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
    if (verified.body.state === 'closure_audit') await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
  }

  const notice = async (month: string, who: keyof Hospital['users'] = 'discipline', filter = '') =>
    (await flow.as(who).get(`/reports/notice?month=${month}&format=json${filter}`).expect(200)).body;
  const assessments = async (month: string, who: keyof Hospital['users'] = 'discipline', filter = '') =>
    (await flow.as(who).get(`/assessments?month=${month}${filter}`).expect(200)).body as { publishedAt: string | null; items: Row[] };
  const row = (report: { items: Row[] }, departmentId: string) => report.items.find((item) => item.departmentId === departmentId)!;
  const publish = (month: string, who: keyof Hospital['users'] = 'discipline') => flow.as(who).post('/reports/notice/publish', { month });

  /** What the figures say, without when they were drawn. */
  const figures = ({ generatedAt: _generated, publishedAt: _published, ...rest }: Record<string, unknown>) => rest;

  let liveMay: { notice: Record<string, unknown>; adminNotice: Record<string, unknown>; assessments: { items: Row[] }; adminAssessments: { items: Row[] } };

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));

    const cardiology = h.departments.cardiology;
    const administrative = await round('administrative', cardiology);
    ids.reassigned = await log(administrative, 'administrative', 'minor', cardiology);
    ids.closedLate = await log(administrative, 'administrative', 'critical', cardiology); // due 12 May: overdue at May's end
    ids.relapsed = await log(administrative, 'administrative', 'critical', cardiology);
    await flow.as('lead').post(`/rounds/${administrative}/events`, { type: 'SUBMIT' }).expect(200);
    const integrity = await round('integrity', h.departments.surgery);
    ids.secret = await log(integrity, 'integrity', 'major', h.departments.surgery, SECRET);
    await flow.as('lead').post(`/rounds/${integrity}/events`, { type: 'SUBMIT' }).expect(200);
    at('2026-05-06T02:00:00Z');
    await close(ids.relapsed); // closed in May; its follow-up check fails in June

    at('2026-06-02T02:00:00Z');
    liveMay = {
      notice: await notice('2026-05'),
      adminNotice: await notice('2026-05', 'admin'),
      assessments: await assessments('2026-05'),
      adminAssessments: await assessments('2026-05', 'admin'),
    };
  });

  afterAll(() => t.close());

  it('publishes an ended month once, by the discipline office or an administrator, audited', async () => {
    expect((await notice('2026-05')).publishedAt).toBeNull();
    for (const who of ['lead', 'inspector', 'cardiologyStaff', 'adminVerifier', 'partyVerifier'] as const) await publish('2026-05', who).expect(403);
    expect((await publish('2026-06').expect(400)).body.details).toEqual([expect.objectContaining({ field: 'month' })]);
    await publish('2026-07').expect(400);
    await publish('2026-13').expect(400);

    const keyed = (key: string) => flow.as('discipline').post('/reports/notice/publish', { month: '2026-05' }, { 'Idempotency-Key': key });
    const published = (await keyed('publish-may').expect(201)).body;
    expect(published).toEqual({ month: '2026-05', publishedAt: now.toISOString(), publishedBy: h.users.discipline.id, views: 2 + 6 });
    // A retry of that request (its key) is answered as the first was; any other request to publish again is refused.
    expect((await keyed('publish-may').expect(201)).body).toEqual(published);
    await keyed('publish-may-again').expect(409);
    await publish('2026-05').expect(409);
    await publish('2026-05', 'admin').expect(409);
    const audit = (await flow.as('discipline').get('/audit?entityType=published_month&limit=500').expect(200)).body.items;
    expect(audit).toEqual([expect.objectContaining({ event: 'MONTH_PUBLISHED', entityId: '2026-05', actorId: h.users.discipline.id })]);

    // Published, the month answers what it answered live, stamped.
    expect(figures(await notice('2026-05'))).toEqual(figures(liveMay.notice));
    expect((await notice('2026-05')).publishedAt).toBe(now.toISOString());
    expect((await assessments('2026-05')).items).toEqual(liveMay.assessments.items);
  });

  it('answers the published figures after the month’s facts change; the next month counts the late events', async () => {
    at('2026-06-10T02:00:00Z');
    await flow.send('cardiologyStaff', ids.reassigned, { type: 'DISPUTE', reason: 'surgery’s' });
    await flow.send('lead', ids.reassigned, { type: 'REASSIGN', departmentId: h.departments.surgery, reason: 'agreed' });
    await close(ids.closedLate);
    const deadline = new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    await flow.send('adminVerifier', ids.relapsed, { type: 'FOLLOW_UP_FAILED', reason: 'blocked again', deadline });

    for (const [who, live] of [['discipline', liveMay.notice], ['admin', liveMay.adminNotice]] as const) {
      const may = await notice('2026-05', who);
      expect(may.publishedAt).toBe('2026-06-02T02:00:00.000Z');
      expect(figures(may)).toEqual(figures(live));
    }
    const may = await assessments('2026-05');
    expect(may.publishedAt).toBe('2026-06-02T02:00:00.000Z');
    expect(may.items).toEqual(liveMay.assessments.items);
    expect(row(may, h.departments.cardiology)).toMatchObject({ found: 3, overdueAtMonthEnd: 1, closedOnTime: 1, closedLate: 0, relapses: 0 });
    expect((await assessments('2026-05', 'admin')).items).toEqual(liveMay.adminAssessments.items);

    // Live, May has moved: the reassigned finding is surgery's, the late closure ends an overdue.
    const liveNow = await assessments('2026-05', 'discipline', '&source=round');
    expect(liveNow.publishedAt).toBeNull();
    expect(row(liveNow, h.departments.cardiology)).toMatchObject({ found: 2 });
    expect((await notice('2026-05', 'discipline', '&source=round')).publishedAt).toBeNull();

    // June counts June's events: the late closure and the relapse.
    const june = await assessments('2026-06');
    expect(june.publishedAt).toBeNull();
    expect(row(june, h.departments.cardiology)).toMatchObject({ closedLate: 1, relapses: 1 });
    expect((await notice('2026-06')).relapses).toBe(1);
  });

  it('adds up the year from the published months: May as published, the others live; the monthly workbook is frozen too', async () => {
    const cardiology = h.departments.cardiology;
    const year = (await flow.as('discipline').get('/assessments?year=2026').expect(200)).body as { months: string[]; items: Row[] };
    expect(year.months).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    const months = await Promise.all(year.months.map((month) => assessments(month)));
    for (const figure of ['found', 'closedOnTime', 'closedLate', 'overdueAtMonthEnd', 'relapses'] as const) {
      expect(row(year, cardiology)[figure]).toBe(months.reduce((sum, month) => sum + row(month, cardiology)[figure], 0));
    }
    // May counts as published (three findings of cardiology), not as it reads live now (two).
    expect(row(months[4], cardiology).found).toBe(3);
    expect(row(await assessments('2026-05', 'discipline', '&source=round'), cardiology).found).toBe(2);
    const tracking = (await flow.as('discipline').get('/reports/monthly?month=2026-05').expect(200)).body;
    expect(tracking.publishedAt).toBe('2026-06-02T02:00:00.000Z');
    expect(tracking.items).toEqual(liveMay.assessments.items);
    expect(row({ items: tracking.byRoundType.administrative }, cardiology)).toMatchObject({ found: 3 });
  });

  it('answers department staff their own department’s stored view', async () => {
    const staff = await assessments('2026-05', 'cardiologyStaff');
    expect(staff.publishedAt).not.toBeNull();
    expect(staff.items.map((item) => item.departmentId)).toEqual([h.departments.cardiology]);
    expect(staff.items[0]).toMatchObject({ found: 3, rank: null, rankOf: null });
    await flow.as('cardiologyStaff').get(`/assessments?month=2026-05&departmentId=${h.departments.surgery}`).expect(403);

    const cardiology = await notice('2026-05', 'cardiologyStaff');
    expect(cardiology.publishedAt).not.toBeNull();
    expect(cardiology.limitedToDepartment).not.toBeNull();
    expect(cardiology.foundByDepartment).toEqual([expect.objectContaining({ total: 3 })]);
    expect(JSON.stringify(cardiology)).not.toContain(SECRET);
    // Surgery's staff read their own integrity finding, as they did live.
    const surgery = await notice('2026-05', 'surgeryStaff');
    expect(surgery.foundByDepartment).toEqual([expect.objectContaining({ total: 1, byType: expect.objectContaining({ integrity: 1 }) })]);
  });

  it('shows integrity only as counts to readers not entitled to it, and in full to the entitled', async () => {
    for (const who of ['admin', 'adminVerifier', 'lead', 'inspector'] as const) {
      const may = await notice('2026-05', who);
      expect(may.publishedAt).not.toBeNull();
      expect(may.integrityCounts).toEqual({ roundsHeld: 1, found: 1, closed: 0, overdue: 1 });
      expect(JSON.stringify(may)).not.toContain(SECRET);
    }
    const admin = await assessments('2026-05', 'admin');
    expect(row(admin, h.departments.surgery).foundByType.integrity).toBe(0);
    const discipline = await notice('2026-05');
    expect(discipline.integrityCounts).toBeNull();
    expect(discipline.foundByDepartment.flatMap((d: { byType: Record<Type, number> }) => [d.byType.integrity])).toContain(1);
    expect(row(await assessments('2026-05'), h.departments.surgery).foundByType.integrity).toBe(1);
    // A department asked for is its row of the stored figures, ranks and all.
    const one = await assessments('2026-05', 'admin', `&departmentId=${h.departments.cardiology}`);
    expect(one.publishedAt).not.toBeNull();
    expect(one.items).toEqual([row(admin, h.departments.cardiology)]);
  });

  it('renders the published month as a page, in Chinese and English, recorded as read', async () => {
    const reads = async () => (await flow.as('discipline').get('/audit?entityType=data_access&event=NOTICE_READ&limit=1').expect(200)).body.total as number;
    const before = await reads();
    const zh = await flow.as('admin').get('/reports/notice?month=2026-05').expect(200);
    expect(zh.headers['content-type']).toMatch(/text\/html/);
    expect(zh.text).toContain('本通报已于 2026-06-02 10:00 发布');
    expect(zh.text).not.toContain(SECRET);
    const en = await flow.as('discipline').get('/reports/notice?month=2026-05&lang=en').expect(200);
    expect(en.text).toContain('Published 2026-06-02 10:00');
    expect(en.text).toContain(SECRET);
    expect(await reads()).toBe(before + 2);
  });
});
