import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { DeadlineScheduler } from '../src/deadlines/deadline-scheduler';
import { FindingTimerEntity } from '../src/deadlines/finding-timer.entity';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { storeAsVersion4 } from './support/stored-versions';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Findings from every source (POST /findings), their receipt, committed date, lights, and version-4 findings still stored. */
describe(`problem lists from every source (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  const setNow = (iso: string) => (now = new Date(iso));
  const runDue = () => t.app.get(DeadlineScheduler).runDue();
  const timerOf = async (findingId: string) => {
    const row = await t.dataSource.getRepository(FindingTimerEntity).findOneBy({ findingId });
    return row && { event: row.event, level: row.level, dueAt: row.dueAt.toISOString() };
  };
  const register = (who: keyof Hospital['users'], body: object, status = 201) => flow.as(who).post('/findings', body).expect(status);
  const complaint = (extra: object = {}) => ({
    source: 'complaint',
    roundType: 'administrative',
    title: '门诊候诊时间过长 long outpatient waits',
    description: '患者投诉 a patient complained of a three-hour wait',
    severity: 'major',
    responsibleDepartmentId: h.departments.cardiology,
    ...extra,
  });
  const inbox = async (who: keyof Hospital['users']) =>
    (await flow.as(who).get('/me/notifications?limit=500').expect(200)).body.items as { type: string; findingId: string }[];

  beforeAll(async () => {
    setNow('2026-11-23T02:00:00Z');
    t = await startApp();
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  describe('registering a finding outside a round', () => {
    it('creates it assigned, led by the registering office, with two audit entries and the department told', async () => {
      const created = await register('adminVerifier', complaint({ deadline: '2026-12-20', location: '门诊 outpatients', externalRef: 'TS-2026-0001' }));
      expect(created.body).toMatchObject({
        roundId: null,
        source: 'complaint',
        externalRef: 'TS-2026-0001',
        roundType: 'administrative',
        state: 'assigned',
        lead: { kind: 'lead_office' },
        deadline: '2026-12-20T23:59:59.999+08:00',
        light: 'green',
        receipt: { state: 'unacknowledged', due: '2026-11-25T23:59:59.999+08:00', acknowledgedAt: null },
        availableEvents: ['REASSIGN', 'SET_DEADLINE', 'WITHDRAW'],
        version: 2,
      });
      expect(await flow.auditEvents('findings', created.body.id)).toEqual(['REGISTER_FINDING', 'ASSIGN']);
      expect((await inbox('cardiologyStaff')).filter((n) => n.findingId === created.body.id).map((n) => n.type)).toEqual(['assigned']);
      // The registering office rules on it as a round's lead would.
      await flow.send('cardiologyStaff', created.body.id, { type: 'DISPUTE', reason: '不属本科 not ours' });
      expect((await inbox('adminVerifier')).filter((n) => n.findingId === created.body.id).map((n) => n.type)).toEqual(['disputed']);
      await flow.send('lead', created.body.id, { type: 'UPHOLD' }, 403);
      const upheld = await flow.send('adminVerifier', created.body.id, { type: 'UPHOLD', reason: 'it is yours' });
      expect(upheld.body).toMatchObject({ state: 'assigned', receipt: { state: 'acknowledged' } });
    });

    it.each([
      ['a department, its own self-inspection', 'cardiologyStaff', { source: 'self_inspection' }, 201],
      ["a department, another department's self-inspection", 'surgeryStaff', { source: 'self_inspection' }, 403],
      ['a department, a complaint', 'cardiologyStaff', {}, 403],
      ['another lead office', 'partyVerifier', {}, 403],
      ['the party lead office, its own type', 'partyVerifier', { roundType: 'party_building', source: 'superior_inspection' }, 201],
      ['the discipline office, integrity', 'discipline', { roundType: 'integrity', source: 'supervision' }, 201],
      ['a lead office, integrity', 'adminVerifier', { roundType: 'integrity' }, 403],
      ['a round lead of no lead office', 'lead', {}, 403],
      ['an inspector', 'inspector', {}, 403],
      ['an administrator', 'admin', {}, 403],
    ] as const)('%s: %s', async (_, who, extra, status) => {
      const before = (await t.counts()).findings;
      await register(who, complaint(extra), status);
      expect((await t.counts()).findings).toBe(before + (status === 201 ? 1 : 0));
    });

    it('never lets a client claim the round source, and names every bad field', async () => {
      const bad = await register('adminVerifier', complaint({ source: 'round', severity: 'huge', deadline: '2026-02-30', responsibleDepartmentId: 'x' }), 400);
      expect(bad.body.details.map((p: { field: string }) => p.field).sort()).toEqual(['deadline', 'responsibleDepartmentId', 'severity', 'source']);
      await register('adminVerifier', complaint({ responsibleDepartmentId: randomUUID() }), 400);
      const past = await register('adminVerifier', complaint({ deadline: '2026-11-01' }), 400);
      expect(past.body.details).toEqual([{ field: 'deadline', reason: expect.stringMatching(/^must be later than now/) }]);
    });

    it('answers a retry with its id with the same finding, refuses the id with other content and a reference its source has', async () => {
      const id = randomUUID();
      const first = await register('adminVerifier', complaint({ id, externalRef: 'TS-2026-0002' }));
      const again = await register('adminVerifier', complaint({ id, externalRef: 'TS-2026-0002' }));
      expect(again.body).toEqual(first.body);
      await register('adminVerifier', complaint({ id, title: 'other' }), 409);
      await register('adminVerifier', complaint({ id, externalRef: 'TS-2026-0002', responsibleDepartmentId: h.departments.surgery }), 409);
      const twice = await register('adminVerifier', complaint({ externalRef: 'TS-2026-0002' }), 409);
      expect(twice.body.details).toEqual({ field: 'externalRef' });
      // Another source may bear the same reference.
      await register('adminVerifier', complaint({ source: 'patient_feedback', externalRef: 'TS-2026-0002' }));
    });

    it('keeps references apart where their finders could not see each other: integrity matters, and each department\'s self-inspection', async () => {
      await register('discipline', complaint({ roundType: 'integrity', externalRef: 'JW-2026-001' }));
      // The president's office learns nothing of the integrity complaint: its own reference is free.
      await register('adminVerifier', complaint({ externalRef: 'JW-2026-001' }));
      await register('cardiologyStaff', complaint({ source: 'self_inspection', externalRef: 'SI-1' }));
      await register('surgeryStaff', complaint({ source: 'self_inspection', responsibleDepartmentId: h.departments.surgery, externalRef: 'SI-1' }));
      await register('surgeryStaff', complaint({ source: 'self_inspection', responsibleDepartmentId: h.departments.surgery, externalRef: 'SI-1' }), 409);
    });

    it("gives a department's own report no longer than its severity's time, and keeps the audit entries in time order", async () => {
      const long = await register('cardiologyStaff', complaint({ source: 'self_inspection', severity: 'critical', deadline: '9999-12-31' }), 400);
      expect(long.body.details).toEqual([{ field: 'deadline', reason: expect.stringMatching(/^must not be later than a critical finding's 7 days/) }]);
      const { body } = await register('cardiologyStaff', complaint({ source: 'self_inspection', severity: 'critical', deadline: flow.planDate(3) }));
      // The lead office may give more.
      await register('adminVerifier', complaint({ severity: 'critical', deadline: '2027-06-30' }));
      const trail = (await flow.as('discipline').get(`/findings/${body.id}/audit`).expect(200)).body.items as { event: string; at: string }[];
      expect(trail.map((entry) => entry.event)).toEqual(['REGISTER_FINDING', 'ASSIGN']);
      expect(Date.parse(trail[0].at)).toBeLessThanOrEqual(Date.parse(trail[1].at));
    });

    it('keeps an integrity registration inside the matter', async () => {
      const { body } = await register('discipline', complaint({ roundType: 'integrity', source: 'complaint', title: '收受红包 envelope taken' }));
      await flow.as('adminVerifier').get(`/findings/${body.id}`).expect(404);
      await flow.as('lead').get(`/findings/${body.id}`).expect(404);
      await flow.as('cardiologyStaff').get(`/findings/${body.id}`).expect(200);
      await flow.as('surgeryStaff').get(`/findings/${body.id}`).expect(404);
      const listed = await flow.as('adminVerifier').get('/findings?source=complaint&limit=500').expect(200);
      expect(listed.body.items.map((f: { id: string }) => f.id)).not.toContain(body.id);
    });
  });

  describe('the responsible person (责任人)', () => {
    it('must be an active user of the responsible department, hears what the department hears, and moves with a reassignment', async () => {
      const bad = await register('adminVerifier', complaint({ responsiblePersonId: h.users.surgeryStaff.id }), 400);
      expect(bad.body.details).toEqual([{ field: 'responsiblePersonId', reason: 'must name an active user of that department (responsibleDepartmentId)' }]);
      const { body } = await register('adminVerifier', complaint({ responsiblePersonId: h.users.cardiologyStaff.id }));
      expect(body.responsiblePersonId).toBe(h.users.cardiologyStaff.id);
      const mine = await flow.as('cardiologyStaff').get(`/findings?responsiblePersonId=${h.users.cardiologyStaff.id}&limit=500`).expect(200);
      expect(mine.body.items.map((f: { id: string }) => f.id)).toContain(body.id);
      await flow.send('adminVerifier', body.id, { type: 'REASSIGN', departmentId: h.departments.surgery, responsiblePersonId: h.users.cardiologyStaff.id, reason: 'r' }, 400);
      const moved = await flow.send('adminVerifier', body.id, { type: 'REASSIGN', departmentId: h.departments.surgery, responsiblePersonId: h.users.surgeryStaff.id, reason: 'theirs' });
      expect(moved.body).toMatchObject({ responsibleDepartmentId: h.departments.surgery, responsiblePersonId: h.users.surgeryStaff.id, receipt: { state: 'unacknowledged' } });
    });

    it('may be named when a finding is logged in a round', async () => {
      const roundId = await flow.startedRound('administrative');
      const findingId = await flow.logFinding(roundId, 'administrative', { responsiblePersonId: h.users.cardiologyStaff.id });
      expect((await flow.as('lead').get(`/findings/${findingId}`).expect(200)).body).toMatchObject({ source: 'round', responsiblePersonId: h.users.cardiologyStaff.id, lead: { kind: 'round_lead', userId: h.users.lead.id } });
    });
  });

  describe('receipt, commitment and lights', () => {
    it('reminds a department that has not signed in two working days, then escalates it; the light turns yellow, then red', async () => {
      setNow('2026-11-27T02:00:00Z'); // a Friday: two working days end on Tuesday
      const { body } = await register('adminVerifier', complaint({ title: '未签收 not signed for' }));
      expect(body.receipt.due).toBe('2026-12-01T23:59:59.999+08:00');
      expect(await timerOf(body.id)).toEqual({ event: 'RECEIPT_LATE', level: null, dueAt: '2026-12-01T15:59:59.999Z' });
      setNow('2026-12-01T16:00:00Z');
      await runDue();
      const late = (await flow.as('adminVerifier').get(`/findings/${body.id}`).expect(200)).body;
      expect(late).toMatchObject({ receipt: { state: 'late' }, light: 'yellow' });
      expect((await inbox('cardiologyStaff')).filter((n) => n.findingId === body.id).map((n) => n.type)).toEqual(['receipt_late', 'assigned']);
      const yellow = await flow.as('adminVerifier').get('/findings?light=yellow&limit=500').expect(200);
      expect(yellow.body.items.map((f: { id: string }) => f.id)).toContain(body.id);
      // The ladder's first level (3 days, the department) comes for the receipt as for a deadline.
      setNow('2026-12-04T16:00:00Z');
      await runDue();
      const red = (await flow.as('adminVerifier').get(`/findings/${body.id}`).expect(200)).body;
      expect(red).toMatchObject({ light: 'red', timeliness: 'on_track' });
      expect((await inbox('cardiologyStaff')).filter((n) => n.findingId === body.id).map((n) => n.type)).toEqual(['receipt_escalated', 'receipt_late', 'assigned']);
      const signed = await flow.send('cardiologyStaff', body.id, { type: 'ACKNOWLEDGE', note: '已签收' });
      expect(signed.body).toMatchObject({ receipt: { state: 'acknowledged', acknowledgedAt: '2026-12-04T16:00:00.000Z' } });
      expect(await flow.auditEvents('findings', body.id)).toEqual(['REGISTER_FINDING', 'ASSIGN', 'RECEIPT_LATE', 'RECEIPT_ESCALATE', 'ACKNOWLEDGE']);
    });

    it('judges the finding by the date its plan committed to: due soon and overdue follow it, and the light with them', async () => {
      setNow('2026-11-23T02:00:00Z');
      const { body } = await register('adminVerifier', complaint({ title: '承诺时限 committed', deadline: '2026-12-31' }));
      const planned = await flow.send('cardiologyStaff', body.id, { type: 'SUBMIT_PLAN', measures: '增加号源 more slots', committedDate: '2026-12-05' });
      expect(planned.body).toMatchObject({ committedDate: '2026-12-05', committedDue: '2026-12-05T23:59:59.999+08:00', receipt: { state: 'acknowledged' } });
      expect(await timerOf(body.id)).toEqual({ event: 'DUE_SOON', level: null, dueAt: '2026-12-02T15:59:59.999Z' });
      await flow.send('cardiologyStaff', body.id, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2026-11-22' }, 409);
      setNow('2026-12-06T01:00:00Z');
      await runDue();
      const overdue = (await flow.as('adminVerifier').get(`/findings/${body.id}`).expect(200)).body;
      expect(overdue).toMatchObject({ timeliness: 'overdue', light: 'red', deadline: '2026-12-31T23:59:59.999+08:00' });
      const reds = await flow.as('adminVerifier').get('/findings?light=red&source=complaint&limit=500').expect(200);
      expect(reds.body.items.map((f: { id: string }) => f.id)).toContain(body.id);
    });

    it('refuses a plan committing to a day already past, naming the field', async () => {
      setNow('2026-11-23T02:00:00Z');
      const { body } = await register('adminVerifier', complaint({ title: '过去的承诺 past commitment' }));
      const refused = await flow.send('cardiologyStaff', body.id, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2026-11-22' }, 400);
      expect(refused.body.details).toEqual([{ field: 'committedDate', reason: 'must not be before today (2026-11-23)' }]);
    });

    it('lets the lead set another deadline for an open finding, and the clock starts over', async () => {
      setNow('2026-11-23T02:00:00Z');
      const { body } = await register('adminVerifier', complaint({ title: '调整时限 new deadline' }));
      await flow.send('cardiologyStaff', body.id, { type: 'SET_DEADLINE', deadline: '2027-01-31', reason: 'r' }, 403);
      const moved = await flow.send('adminVerifier', body.id, { type: 'SET_DEADLINE', deadline: '2027-01-31', reason: '清单复核 list reviewed' });
      expect(moved.body).toMatchObject({ deadline: '2027-01-31T23:59:59.999+08:00', timeliness: 'on_track' });
      expect((await inbox('cardiologyStaff')).filter((n) => n.findingId === body.id).map((n) => n.type).sort()).toEqual(['assigned', 'deadline_set']);
    });
  });

  describe('findings stored by the previous version', () => {
    it('keep working: read as version 5, and stored as version 5 by their next transition', async () => {
      setNow('2026-11-23T02:00:00Z');
      const { findingId } = await flow.assignedFinding('administrative');
      await storeAsVersion4(t, findingId);

      const read = (await flow.as('cardiologyStaff').get(`/findings/${findingId}`).expect(200)).body;
      expect(read).toMatchObject({ state: 'assigned', receipt: { state: 'acknowledged' }, lead: { kind: 'round_lead', userId: h.users.lead.id } });
      expect(read.availableEvents).toEqual(['DISPUTE', 'REQUEST_EXTENSION', 'SUBMIT_PLAN']);
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const [after] = await t.dataSource.query(`SELECT "workflowVersion" FROM "findings" WHERE "id" = '${findingId}'`);
      expect(Number(after.workflowVersion)).toBe(5);
      expect((await flow.as('discipline').get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
    });
  });
});
