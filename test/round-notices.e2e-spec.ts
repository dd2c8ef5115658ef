import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { NotificationEntity } from '../src/notifications/notification.entity';
import { RoundPlanScheduler } from '../src/round-plans/round-plan-scheduler';
import { RoundPlanMaterialisationEntity } from '../src/round-plans/round-plan.entity';
import { WebhookDeliveryEntity } from '../src/webhooks/webhook.entities';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Who = keyof Hospital['users'];
interface InboxItem {
  id: string;
  type: string;
  findingId: string | null;
  roundId: string | null;
  detail: Record<string, unknown>;
}

/** Round notices (issue 23): the lead and team hear when a plan plans a round, and the day before it. */
describe(`round notices (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  /** 10:00 in Shanghai on `date`. */
  const setDay = (date: string) => (now = new Date(`${date}T02:00:00Z`));
  const useClock = (app: TestApp) => jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const runDue = (app = t) => app.app.get(RoundPlanScheduler).runDue();

  const inbox = async (who: Who): Promise<InboxItem[]> => (await flow.as(who).get('/me/notifications?limit=500').expect(200)).body.items;
  /** Who has which round notice of the rounds, as stored. */
  const stored = async (roundIds: string[]) =>
    (await t.dataSource.getRepository(NotificationEntity).find())
      .filter((n) => n.roundId !== null && roundIds.includes(n.roundId))
      .map((n) => `${n.roundId} ${n.type} ${n.recipientId}`)
      .sort();
  const roundIdsOf = async (planId: string) =>
    (await t.dataSource.getRepository(RoundPlanMaterialisationEntity).find({ where: { planId }, order: { occursOn: 'ASC' } })).map((claim) => claim.roundId!);
  const create = (extra: object = {}) =>
    flow.as('lead').post('/round-plans', {
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
    t = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    useClock(t);
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  it('tells the lead and team once when a plan plans a round, and once the day before; a cancelled round is not recalled', async () => {
    setDay('2026-12-01');
    const planId = (await create().expect(201)).body.id as string;
    const [first, second] = await roundIdsOf(planId);
    const each = (roundId: string, type: string) => [h.users.inspector.id, h.users.lead.id].map((userId) => `${roundId} ${type} ${userId}`);

    // Creating the plan planned 3 and 10 December: one round_planned each for the lead and the inspector.
    expect(await stored([first, second])).toEqual([...each(first, 'round_planned'), ...each(second, 'round_planned')].sort());
    const leads = (await inbox('lead')).filter((n) => n.roundId === first);
    expect(leads).toEqual([
      expect.objectContaining({
        type: 'round_planned',
        findingId: null,
        roundId: first,
        detail: { event: 'PLAN', title: expect.any(String), deadline: null, scheduledFor: '2026-12-03', departmentId: h.departments.cardiology },
      }),
    ]);
    expect((await inbox('inspector')).filter((n) => n.roundId === second).map((n) => n.type)).toEqual(['round_planned']);

    // Running again, twice, writes nothing more; nor does it remind of a round two days off.
    await runDue();
    await runDue();
    expect(await stored([first, second])).toEqual([...each(first, 'round_planned'), ...each(second, 'round_planned')].sort());

    // The day before, once however often the scheduler runs.
    setDay('2026-12-02');
    await runDue();
    await runDue();
    expect(await stored([first])).toEqual([...each(first, 'round_planned'), ...each(first, 'round_tomorrow')].sort());
    const reminder = (await inbox('inspector')).find((n) => n.roundId === first && n.type === 'round_tomorrow')!;
    expect(reminder.detail).toMatchObject({ event: 'REMIND', scheduledFor: '2026-12-03', departmentId: h.departments.cardiology });
    const read = await flow.as('inspector').post(`/me/notifications/${reminder.id}/read`, {}).expect(200);
    expect(read.body).toMatchObject({ id: reminder.id, roundId: first, readAt: expect.any(String) });
    await flow.as('lead').post(`/me/notifications/${reminder.id}/read`, {}).expect(404);

    // The round of 10 December is cancelled by skipping it: no reminder on the 9th.
    await flow.as('lead').post(`/round-plans/${planId}/skip`, { on: '2026-12-10' }).expect(200);
    setDay('2026-12-09');
    await runDue();
    expect(await stored([second])).toEqual(each(second, 'round_planned').sort());
  });

  it('reaches nobody else: the visited department and another lead hear nothing', async () => {
    setDay('2026-12-01');
    const planId = (await create({ rule: 'FREQ=MONTHLY;BYMONTHDAY=5' }).expect(201)).body.id as string;
    const [roundId] = await roundIdsOf(planId);
    setDay('2026-12-04');
    await runDue();
    expect(await stored([roundId])).toHaveLength(4);
    for (const who of ['cardiologyStaff', 'otherLead', 'surgeryStaff', 'admin'] as Who[]) {
      expect((await inbox(who)).filter((n) => n.roundId !== null)).toEqual([]);
    }
  });

  it('keeps an unannounced round’s notice from the visited department even if one were addressed to it', async () => {
    setDay('2026-12-01');
    const announced = (await roundIdsOf((await create({ rule: 'FREQ=MONTHLY;BYMONTHDAY=7' }).expect(201)).body.id))[0];
    const unannounced = (await roundIdsOf((await create({ rule: 'FREQ=MONTHLY;BYMONTHDAY=8', unannounced: true }).expect(201)).body.id))[0];
    const misaddressed = (roundId: string): NotificationEntity => ({
      id: randomUUID(),
      recipientId: h.users.cardiologyStaff.id,
      noticeId: randomUUID(),
      type: 'round_planned',
      findingId: null,
      roundId,
      announcementId: null,
      detail: { event: 'PLAN', title: 'x', deadline: null },
      createdAt: now,
      readAt: null,
    });
    const hidden = misaddressed(unannounced);
    await t.dataSource.getRepository(NotificationEntity).insert([misaddressed(announced), hidden]);
    // The department sees its announced round, so that row would show; the unannounced one never does.
    expect((await inbox('cardiologyStaff')).filter((n) => n.roundId !== null).map((n) => n.roundId)).toEqual([announced]);
    await flow.as('cardiologyStaff').post(`/me/notifications/${hidden.id}/read`, {}).expect(404);
    // Its own lead reads it.
    expect((await inbox('lead')).some((n) => n.roundId === unannounced && n.type === 'round_planned')).toBe(true);
  });

  it('goes to the webhook endpoints standing for the lead and team: an unannounced round never to ones open to the visited department, an integrity round only to ones marked for it', async () => {
    setDay('2026-12-01');
    // A round lead in the discipline office, so endpoints naming a department can stand for a participant.
    const officeLead = { username: 'office-lead', password: PASSWORD, displayName: 'office lead', roles: ['round_lead'], departmentId: h.departments.disciplineOffice };
    const officeLeadId = (await flow.as('admin').post('/users', officeLead).expect(201)).body.id as string;
    const hook = async (path: string, extra: object = {}) =>
      (await flow.as('admin').post('/webhooks', { url: `http://127.0.0.1:9${path}`, secret: 'a-webhook-secret-0123456789', ...extra }).expect(201)).body.id as string;
    const hooks = {
      all: await hook('/all'),
      leads: await hook('/leads', { role: 'round_lead' }),
      visited: await hook('/card', { departmentId: h.departments.cardiology }),
      office: await hook('/office', { role: 'round_lead', departmentId: h.departments.disciplineOffice }),
      officeMarked: await hook('/office-marked', { role: 'round_lead', departmentId: h.departments.disciplineOffice }),
      findingsOnly: await hook('/findings', { events: ['assigned'] }),
    };
    await flow.as('discipline').put(`/webhooks/${hooks.officeMarked}/integrity`, { marked: true }).expect(200);
    const names = Object.fromEntries(Object.entries(hooks).map(([name, id]) => [id, name]));
    const deliveredTo = async (roundId: string) =>
      (await t.dataSource.getRepository(WebhookDeliveryEntity).findBy({ roundId })).map((d) => `${d.type} ${names[d.endpointId!]}`).sort();
    const planned = async (extra: object) => (await roundIdsOf((await create({ leadId: officeLeadId, teamMemberIds: [h.users.inspector.id], ...extra }).expect(201)).body.id))[0];

    const announced = await planned({ rule: 'FREQ=MONTHLY;BYMONTHDAY=11' });
    const unannounced = await planned({ rule: 'FREQ=MONTHLY;BYMONTHDAY=12', unannounced: true });
    const integrity = await planned({ rule: 'FREQ=MONTHLY;BYMONTHDAY=13', types: ['integrity'] });
    setDay('2026-12-10');
    await runDue();
    await runDue();
    setDay('2026-12-11');
    await runDue();
    setDay('2026-12-12');
    await runDue();
    await runDue();

    // Each endpoint once per type, however often the scheduler ran; the visited department's endpoint hears of no round: it is no participant's.
    const each = (type: string, ...to: string[]) => to.map((name) => `${type} ${name}`);
    expect(await deliveredTo(announced)).toEqual([...each('round_planned', 'all', 'leads', 'office', 'officeMarked'), ...each('round_tomorrow', 'all', 'leads', 'office', 'officeMarked')].sort());
    // Unannounced: only endpoints naming a department other than the visited one.
    expect(await deliveredTo(unannounced)).toEqual([...each('round_planned', 'office', 'officeMarked'), ...each('round_tomorrow', 'office', 'officeMarked')].sort());
    // Integrity: only the endpoint marked for it.
    expect(await deliveredTo(integrity)).toEqual([...each('round_planned', 'officeMarked'), ...each('round_tomorrow', 'officeMarked')].sort());

    const [body] = (await t.dataSource.getRepository(WebhookDeliveryEntity).findBy({ roundId: integrity, type: 'round_tomorrow' })).map((d) => JSON.parse(d.body));
    expect(body).toEqual({
      id: expect.any(String),
      type: 'round_tomorrow',
      occurredAt: expect.any(String),
      event: 'REMIND',
      round: { id: integrity, types: ['integrity'], departmentId: h.departments.cardiology, scheduledFor: '2026-12-13', unannounced: true },
    });
    // An administrator reading the deliveries sees the integrity round's withheld.
    const shown = (await flow.as('admin').get(`/webhooks/${hooks.officeMarked}/deliveries?limit=100`).expect(200)).body.items as { roundId: string; withheld: boolean }[];
    expect(shown.filter((d) => d.roundId === integrity).every((d) => d.withheld)).toBe(true);
    expect(shown.filter((d) => d.roundId === announced).every((d) => !d.withheld)).toBe(true);
    for (const id of Object.values(hooks)) await flow.as('admin').delete(`/webhooks/${id}`).expect(204);
  });

  // Several instances of the service share one PostgreSQL; SQLite is one machine's database.
  if (onPostgres) {
    it('writes each round notice exactly once with two instances on one database', async () => {
      setDay('2026-12-01');
      const planId = (await create({ departmentIds: [h.departments.cardiology, h.departments.surgery], rule: 'FREQ=DAILY', startsOn: '2027-02-01' }).expect(201)).body.id;
      const second = await t.another();
      try {
        useClock(second);
        setDay('2027-02-01');
        await Promise.all([runDue(t), runDue(second), runDue(t), runDue(second)]);
        const roundIds = await roundIdsOf(planId);
        expect(roundIds).toHaveLength(15 * 2);
        const rows = await stored(roundIds);
        // Two people × each round planned, and × the two rounds of 2 February reminded.
        expect(rows).toHaveLength(15 * 2 * 2 + 2 * 2);
        expect(new Set(rows).size).toBe(rows.length);
      } finally {
        await second.close();
      }
    });
  }
});
