import { AuditEntryEntity } from '../src/audit/audit-entry.entity';
import { Clock } from '../src/common/clock';
import { RoundPlanScheduler } from '../src/round-plans/round-plan-scheduler';
import { RoundPlanMaterialisationEntity } from '../src/round-plans/round-plan.entity';
import { RoundEntity } from '../src/rounds/round.entity';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Recurring round plans (issue 23): occurrences planned as rounds ahead of time, each exactly once. */
describe(`recurring round plans (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  /** 10:00 in Shanghai on `date`. */
  const setDay = (date: string) => (now = new Date(`${date}T02:00:00Z`));
  const useClock = (app: TestApp) => jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const runDue = (app = t) => app.app.get(RoundPlanScheduler).runDue();
  const patch = (who: keyof Hospital['users'], path: string, body: object) => t.http.patch(path).set('Authorization', `Bearer ${h.users[who].token}`).send(body);

  /** The plan's rounds by date, then department id. */
  const roundsOf = async (planId: string, app = t) => {
    const claims = await app.dataSource.getRepository(RoundPlanMaterialisationEntity).find({ where: { planId }, order: { occursOn: 'ASC', departmentId: 'ASC' } });
    const rounds = await app.dataSource.getRepository(RoundEntity).find();
    return claims.map((claim) => {
      const round = rounds.find((r) => r.id === claim.roundId)!;
      return { on: claim.occursOn, departmentId: claim.departmentId, id: round.id, scheduledFor: round.scheduledFor, state: round.state, teamMemberIds: round.teamMemberIds };
    });
  };
  const planEvents = async (planId: string) =>
    (await t.dataSource.getRepository(AuditEntryEntity).find({ where: { entityId: planId }, order: { id: 'ASC' } })).map((entry) => ({ event: entry.event, actorId: entry.actorId }));

  const create = (extra: object = {}, who: keyof Hospital['users'] = 'lead') =>
    flow.as(who).post('/round-plans', {
      types: ['administrative'],
      departmentIds: [h.departments.cardiology],
      rule: 'FREQ=WEEKLY;BYDAY=TH',
      leadId: h.users.lead.id,
      teamMemberIds: [h.users.inspector.id],
      startsOn: '2026-12-01',
      ...extra,
    });

  beforeAll(async () => {
    setDay('2026-12-01');
    t = await startApp();
    useClock(t);
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  it('plans a monthly occurrence for each department once, 14 days ahead, through POST /rounds’ path', async () => {
    setDay('2026-12-01');
    const created = await create({ departmentIds: [h.departments.cardiology, h.departments.surgery], rule: 'FREQ=MONTHLY;BYMONTHDAY=10' }).expect(201);
    expect(created.body).toMatchObject({ departmentOrder: 'all', departmentKind: null, unannounced: false, until: null, skippedOn: [], createdBy: h.users.lead.id });
    const planId = created.body.id as string;
    // Creating plans what is already within the horizon; running the scheduler again plans nothing more.
    const both = [h.departments.cardiology, h.departments.surgery].sort();
    expect(await roundsOf(planId)).toEqual(both.map((departmentId) => expect.objectContaining({ on: '2026-12-10', departmentId, scheduledFor: '2026-12-10', state: 'planned' })));
    await runDue();
    await runDue();
    expect(await roundsOf(planId)).toHaveLength(2);

    setDay('2026-12-27');
    await runDue();
    await runDue();
    const rounds = await roundsOf(planId);
    expect(rounds.map((r) => [r.on, r.departmentId])).toEqual([...both.map((d) => ['2026-12-10', d]), ...both.map((d) => ['2027-01-10', d])]);
    // A planned round like any other, planned by the system.
    const round = await flow.as('lead').get(`/rounds/${rounds[2].id}`).expect(200);
    expect(round.body).toMatchObject({ types: ['administrative'], leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], scheduledFor: '2027-01-10', state: 'planned', unannounced: false });
    expect(await flow.auditEvents('rounds', rounds[2].id)).toEqual(['PLAN']);
    expect((await t.dataSource.getRepository(AuditEntryEntity).findOneByOrFail({ entityId: rounds[2].id })).actorId).toBe('system');
    expect(await planEvents(planId)).toEqual([{ event: 'CREATE_ROUND_PLAN', actorId: h.users.lead.id }]);

    expect((await flow.as('lead').get(`/round-plans/${planId}`).expect(200)).body).toEqual(created.body);
    expect((await flow.as('inspector').get('/round-plans').expect(200)).body.map((p: { id: string }) => p.id)).toContain(planId);
    // Not on the plan: neither listed nor read.
    expect((await flow.as('otherLead').get('/round-plans').expect(200)).body.map((p: { id: string }) => p.id)).not.toContain(planId);
    await flow.as('otherLead').get(`/round-plans/${planId}`).expect(404);
  });

  it('takes the departments of a kind in turn, one per occurrence', async () => {
    setDay('2026-12-01');
    const planId = (await create({ departmentIds: undefined, departmentKind: 'clinical', departmentOrder: 'rotate', rule: 'FREQ=WEEKLY;BYDAY=TU' }).expect(201)).body.id;
    // 2026-12-01 is a Tuesday; CARD comes before SURG.
    expect((await roundsOf(planId)).map((r) => [r.on, r.departmentId])).toEqual([
      ['2026-12-01', h.departments.cardiology],
      ['2026-12-08', h.departments.surgery],
      ['2026-12-15', h.departments.cardiology],
    ]);
  });

  it('skips a date: a planned round of it is cancelled, a later one is never planned', async () => {
    setDay('2026-12-01');
    const planId = (await create().expect(201)).body.id;
    expect((await roundsOf(planId)).map((r) => r.on)).toEqual(['2026-12-03', '2026-12-10']);
    const skipped = await flow.as('lead').post(`/round-plans/${planId}/skip`, { on: '2026-12-10' }).expect(200);
    expect(skipped.body.skippedOn).toEqual(['2026-12-10']);
    await flow.as('lead').post(`/round-plans/${planId}/skip`, { on: '2026-12-24' }).expect(200);
    expect((await flow.as('lead').post(`/round-plans/${planId}/skip`, { on: '2026-12-25' }).expect(400)).body.details).toEqual([
      { field: 'on', reason: 'must be an occurrence of the plan' },
    ]);
    expect((await flow.as('lead').post(`/round-plans/${planId}/skip`, { on: '2026-11-26' }).expect(400)).body.details).toEqual([{ field: 'on', reason: 'must not be before today' }]);
    setDay('2026-12-15');
    await runDue();
    setDay('2026-12-20');
    await runDue();
    expect((await roundsOf(planId)).map((r) => [r.on, r.state])).toEqual([
      ['2026-12-03', 'planned'],
      ['2026-12-10', 'cancelled'],
      ['2026-12-17', 'planned'],
      ['2026-12-31', 'planned'],
    ]);
    expect((await planEvents(planId)).map((e) => e.event)).toEqual(['CREATE_ROUND_PLAN', 'SKIP_ROUND_PLAN_OCCURRENCE', 'SKIP_ROUND_PLAN_OCCURRENCE']);
  });

  it('changes the rule and team from today on: past and started rounds untouched, planned ones planned again', async () => {
    setDay('2026-12-01');
    const planId = (await create({ departmentIds: [h.departments.surgery] }).expect(201)).body.id;
    setDay('2026-12-05');
    await runDue();
    const before = await roundsOf(planId);
    expect(before.map((r) => r.on)).toEqual(['2026-12-03', '2026-12-10', '2026-12-17']);
    await flow.as('lead').post(`/rounds/${before[1].id}/events`, { type: 'START' }).expect(200);

    const changed = await patch('lead', `/round-plans/${planId}`, { rule: 'FREQ=WEEKLY;BYDAY=FR', teamMemberIds: [] }).expect(200);
    expect(changed.body).toMatchObject({ rule: 'FREQ=WEEKLY;BYDAY=FR', teamMemberIds: [] });
    expect((await roundsOf(planId)).map((r) => [r.on, r.state, r.teamMemberIds])).toEqual([
      ['2026-12-03', 'planned', [h.users.inspector.id]],
      ['2026-12-10', 'in_progress', [h.users.inspector.id]],
      ['2026-12-11', 'planned', []],
      ['2026-12-18', 'planned', []],
    ]);
    const old = await flow.as('lead').get(`/rounds/${before[2].id}`).expect(200);
    expect(old.body.state).toBe('cancelled');
    expect((await planEvents(planId)).map((e) => e.event)).toEqual(['CREATE_ROUND_PLAN', 'UPDATE_ROUND_PLAN']);

    expect((await patch('lead', `/round-plans/${planId}`, { rule: 'FREQ=HOURLY' }).expect(400)).body.details[0].field).toBe('rule');
    expect((await patch('lead', `/round-plans/${planId}`, { leadId: h.users.inspector.id }).expect(400)).body.details).toEqual([
      { field: 'leadId', reason: 'must name an active user with the round_lead role' },
    ]);
  });

  it('deletes a plan: its rounds not started are cancelled, started ones go on, nothing more is planned', async () => {
    setDay('2026-12-01');
    const planId = (await create({ departmentIds: [h.departments.logistics] }).expect(201)).body.id;
    const [first, second] = await roundsOf(planId);
    await flow.as('lead').post(`/rounds/${first.id}/events`, { type: 'START' }).expect(200);
    await flow.as('lead').delete(`/round-plans/${planId}`).expect(204);
    expect((await roundsOf(planId)).map((r) => [r.id, r.state])).toEqual([
      [first.id, 'in_progress'],
      [second.id, 'cancelled'],
    ]);
    await flow.as('lead').get(`/round-plans/${planId}`).expect(404);
    setDay('2026-12-20');
    await runDue();
    expect(await roundsOf(planId)).toHaveLength(2);
    expect((await planEvents(planId)).map((e) => e.event)).toEqual(['CREATE_ROUND_PLAN', 'DELETE_ROUND_PLAN']);
  });

  it('never plans late what passed while no instance ran: the dates are recorded on the plan, in its trail and in the log', async () => {
    setDay('2027-03-01');
    const planId = (await create({ rule: 'FREQ=WEEKLY;BYDAY=MO', startsOn: '2027-03-01' }).expect(201)).body.id;
    expect((await roundsOf(planId)).map((r) => r.on)).toEqual(['2027-03-01', '2027-03-08', '2027-03-15']);
    // The service stops for six weeks: three Mondays pass beyond what was planned ahead.
    setDay('2027-04-12');
    await runDue();
    await runDue();
    expect((await roundsOf(planId)).map((r) => r.on)).toEqual(['2027-03-01', '2027-03-08', '2027-03-15', '2027-04-12', '2027-04-19', '2027-04-26']);
    expect((await flow.as('lead').get(`/round-plans/${planId}`).expect(200)).body.missedOn).toEqual(['2027-03-22', '2027-03-29', '2027-04-05']);
    expect(await planEvents(planId)).toEqual([
      { event: 'CREATE_ROUND_PLAN', actorId: h.users.lead.id },
      { event: 'MISS_ROUND_PLAN_OCCURRENCES', actorId: 'system' },
    ]);
  });

  it('refuses a rule that is not an RFC 5545 date rule with 400 naming `rule`, writing nothing', async () => {
    setDay('2026-12-01');
    const before = await t.counts();
    for (const rule of ['garbage', 'FREQ=SOMETIMES', 'FREQ=HOURLY', 'FREQ=DAILY;BYHOUR=9', "FREQ=DAILY'; DROP TABLE rounds; --", 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY']) {
      const response = await create({ rule }).expect(400);
      expect({ rule, fields: response.body.details.map((d: { field: string }) => d.field) }).toEqual({ rule, fields: ['rule'] });
    }
    const unknown = await create({ departmentIds: [h.users.lead.id] }).expect(400);
    expect(unknown.body.details).toEqual([{ field: 'departmentIds[0]', reason: 'names no known department' }]);
    await create({ departmentIds: undefined }).expect(400);
    expect(await t.counts()).toEqual(before);
  });

  it('lists the rounds scheduled within dates, both ends included, for a month’s calendar', async () => {
    setDay('2026-12-01');
    const plan = (scheduledFor: string) =>
      flow.as('lead').post('/rounds', { types: ['administrative'], departmentId: h.departments.surgery, scheduledFor, leadId: h.users.lead.id, teamMemberIds: [] }).expect(201);
    for (const day of ['2028-05-31', '2028-06-01', '2028-06-30', '2028-07-01']) await plan(day);
    const within = async (query: string) =>
      ((await flow.as('lead').get(`/rounds?departmentId=${h.departments.surgery}&${query}`).expect(200)).body.items as { scheduledFor: string }[]).map((r) => r.scheduledFor);
    expect(await within('scheduledFrom=2028-06-01&scheduledTo=2028-06-30')).toEqual(['2028-06-30', '2028-06-01']);
    expect(await within('scheduledFrom=2028-06-30')).toEqual(['2028-07-01', '2028-06-30']);
    const refused = await flow.as('lead').get('/rounds?scheduledFrom=2028-02-30&scheduledTo=June').expect(400);
    expect(new Set(refused.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['scheduledFrom', 'scheduledTo']));
  });

  it('lets round leads plan, and only the plan’s lead change it', async () => {
    setDay('2026-12-01');
    await create({}, 'inspector').expect(403);
    await create({}, 'admin').expect(403);
    await create({}, 'cardiologyStaff').expect(403);
    const planId = (await create({ teamMemberIds: [h.users.otherLead.id] }).expect(201)).body.id;
    await flow.as('otherLead').get(`/round-plans/${planId}`).expect(200);
    await patch('otherLead', `/round-plans/${planId}`, { teamMemberIds: [] }).expect(403);
    await flow.as('otherLead').post(`/round-plans/${planId}/skip`, { on: '2026-12-10' }).expect(403);
    await flow.as('otherLead').delete(`/round-plans/${planId}`).expect(403);
    await flow.as('inspector').delete(`/round-plans/${planId}`).expect(403);
    expect((await planEvents(planId)).map((e) => e.event)).toEqual(['CREATE_ROUND_PLAN']);
  });

  it('plans unannounced rounds the visited department does not see', async () => {
    setDay('2026-12-01');
    const planId = (await create({ unannounced: true }).expect(201)).body.id;
    const [round] = await roundsOf(planId);
    expect((await flow.as('lead').get(`/rounds/${round.id}`).expect(200)).body.unannounced).toBe(true);
    await flow.as('cardiologyStaff').get(`/rounds/${round.id}`).expect(404);
    const listed = await flow.as('cardiologyStaff').get('/rounds?limit=500').expect(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).not.toContain(round.id);
  });

  // Several instances of the service share one PostgreSQL; SQLite is one machine's database.
  if (onPostgres) {
    it('plans each occurrence exactly once with two instances on one database', async () => {
      setDay('2026-12-01');
      const planId = (await create({ departmentIds: [h.departments.cardiology, h.departments.surgery, h.departments.logistics], rule: 'FREQ=DAILY', startsOn: '2027-01-01' }).expect(201)).body.id;
      expect(await roundsOf(planId)).toEqual([]);
      const second = await t.another();
      try {
        useClock(second);
        setDay('2027-01-20');
        await Promise.all([runDue(t), runDue(second), runDue(t), runDue(second)]);
        const rounds = await roundsOf(planId);
        // Today (dates already past are not planned) to 14 days ahead: 15 dates × 3 departments.
        expect(rounds).toHaveLength(15 * 3);
        expect(new Set(rounds.map((r) => `${r.on} ${r.departmentId}`)).size).toBe(15 * 3);
        expect(rounds[0].on).toBe('2027-01-20');
        const planned = await t.dataSource.getRepository(RoundEntity).countBy({ leadId: h.users.lead.id, scheduledFor: '2027-01-21', departmentId: h.departments.surgery });
        expect(planned).toBe(1);
      } finally {
        await second.close();
      }
    });
  }
});
