import { AnnouncementScheduler } from '../src/announcements/announcement-scheduler';
import { Clock } from '../src/common/clock';
import { NotificationEntity } from '../src/notifications/notification.entity';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { Receiver } from './support/receiver';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const SECRET = 'a-webhook-secret-0123456789';

type Who = keyof Hospital['users'];

/** Announcements (节前提醒): written ahead, delivered at their time to the inbox and the webhooks, exactly once. */
describe(`announcements (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let receiver: Receiver;
  let now = new Date('2027-01-20T02:00:00Z');
  const useClock = (app: TestApp) => jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const deliverDue = (app = t) => app.app.get(AnnouncementScheduler).deliverDue();

  const inbox = async (who: Who) => (await flow.as(who).get('/me/notifications?limit=500').expect(200)).body.items as Record<string, any>[];
  const copiesOf = async (announcementId: string) => (await t.dataSource.getRepository(NotificationEntity).findBy({ announcementId })).map((n) => n.recipientId).sort();
  const announce = (extra: object = {}, who: Who = 'discipline') =>
    flow.as(who).post('/announcements', {
      title: '春节前廉洁提醒',
      body: '节日期间严禁收受红包礼品。',
      audience: { departmentIds: [h.departments.cardiology] },
      publishAt: '2027-01-27T09:00:00+08:00',
      ...extra,
    });

  beforeAll(async () => {
    receiver = await new Receiver().start();
    t = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    useClock(t);
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('delivers at publishAt, once, to the audience and no one else, in the inbox and to the endpoints standing for them', async () => {
    now = new Date('2027-01-20T02:00:00Z');
    const cardiologyHook = (await flow.as('admin').post('/webhooks', { url: receiver.url('/card'), secret: SECRET, departmentId: h.departments.cardiology }).expect(201)).body.id;
    const surgeryHook = (await flow.as('admin').post('/webhooks', { url: receiver.url('/surg'), secret: SECRET, departmentId: h.departments.surgery }).expect(201)).body.id;
    const leadsHook = (await flow.as('admin').post('/webhooks', { url: receiver.url('/leads'), secret: SECRET, role: 'round_lead' }).expect(201)).body.id;
    const findingsOnly = (await flow.as('admin').post('/webhooks', { url: receiver.url('/findings'), secret: SECRET, events: ['assigned'] }).expect(201)).body.id;

    // Roles and departments both named narrow each other: the staff of cardiology, not every department's staff, nor anyone else in cardiology.
    const created = await announce({ audience: { roles: ['department_staff'], departmentIds: [h.departments.cardiology] } }).expect(201);
    expect(created.body).toMatchObject({
      title: '春节前廉洁提醒',
      audience: { roles: ['department_staff'], departmentIds: [h.departments.cardiology] },
      publishAt: '2027-01-27T01:00:00.000Z',
      state: 'scheduled',
      deliveredAt: null,
      recipientCount: null,
      createdBy: h.users.discipline.id,
    });
    const id = created.body.id as string;
    expect((await flow.as('admin').get('/announcements').expect(200)).body.map((a: { id: string }) => a.id)).toContain(id);

    // Before its time nothing is delivered, however often the scheduler runs.
    expect(await deliverDue()).toBe(0);
    now = new Date('2027-01-27T00:59:59Z');
    expect(await deliverDue()).toBe(0);
    expect(await copiesOf(id)).toEqual([]);

    // At its time, once: a repeated run and a restart deliver nothing more.
    now = new Date('2027-01-27T01:00:00Z');
    expect(await deliverDue()).toBe(1);
    expect(await deliverDue()).toBe(0);
    t = await t.restart();
    useClock(t);
    flow = new Flow(t, h);
    expect(await deliverDue()).toBe(0);

    expect(await copiesOf(id)).toEqual([h.users.cardiologyStaff.id]);
    const shown = (await flow.as('discipline').get(`/announcements/${id}`).expect(200)).body;
    expect(shown).toMatchObject({ state: 'delivered', deliveredAt: '2027-01-27T01:00:00.000Z', recipientCount: 1 });

    const [copy] = (await inbox('cardiologyStaff')).filter((n) => n.type === 'announcement');
    expect(copy).toMatchObject({
      announcementId: id,
      findingId: null,
      roundId: null,
      detail: { event: 'PUBLISH', title: '春节前廉洁提醒', body: '节日期间严禁收受红包礼品。', deadline: null },
    });
    await flow.as('cardiologyStaff').post(`/me/notifications/${copy.id}/read`, {}).expect(200);
    for (const who of ['surgeryStaff', 'lead', 'inspector', 'discipline', 'adminVerifier'] as Who[]) {
      expect((await inbox(who)).filter((n) => n.type === 'announcement')).toEqual([]);
    }

    // The cardiology endpoint takes it; the round leads', surgery's and one for finding notices only do not.
    await t.app.get(WebhookDispatcher).deliverDue();
    const bodies = (path: string) => receiver.bodies(path).filter((b) => b.type === 'announcement');
    expect(bodies('/card')).toEqual([
      { id: expect.any(String), type: 'announcement', occurredAt: '2027-01-27T01:00:00.000Z', event: 'PUBLISH', announcement: { id, title: '春节前廉洁提醒', body: '节日期间严禁收受红包礼品。', publishAt: '2027-01-27T01:00:00.000Z' } },
    ]);
    expect(bodies('/leads')).toEqual([]);
    expect(bodies('/surg')).toEqual([]);
    expect(bodies('/findings')).toEqual([]);
    const delivery = (await flow.as('admin').get(`/webhooks/${cardiologyHook}/deliveries`).expect(200)).body.items[0];
    expect(delivery).toMatchObject({ type: 'announcement', announcementId: id, findingId: null, roundId: null, withheld: false, status: 'delivered' });

    // Once delivered it cannot be recalled.
    await flow.as('discipline').delete(`/announcements/${id}`).expect(409);
    for (const hook of [cardiologyHook, surgeryHook, leadsHook, findingsOnly]) await flow.as('admin').delete(`/webhooks/${hook}`).expect(204);
  });

  it('never delivers a cancelled one; cancelling is audited', async () => {
    now = new Date('2027-01-20T02:00:00Z');
    const id = (await announce({ audience: { roles: ['inspector'] } }, 'admin').expect(201)).body.id as string;
    await flow.as('discipline').delete(`/announcements/${id}`).expect(204);
    await flow.as('discipline').delete(`/announcements/${id}`).expect(204);
    now = new Date('2027-02-01T00:00:00Z');
    await deliverDue();
    expect(await copiesOf(id)).toEqual([]);
    expect((await flow.as('admin').get(`/announcements/${id}`).expect(200)).body).toMatchObject({ state: 'cancelled', cancelledBy: h.users.discipline.id, deliveredAt: null });
    const events = await t.dataSource.query(`SELECT "event" FROM "audit_entries" WHERE "entityType" = 'announcement' AND "entityId" = '${id}' ORDER BY "id"`);
    expect(events.map((e: { event: string }) => e.event)).toEqual(['ANNOUNCEMENT_CREATED', 'ANNOUNCEMENT_CANCELLED']);
  });

  it('keeps hostile text as text; one published in the past goes at the next run', async () => {
    now = new Date('2027-01-20T02:00:00Z');
    const title = '<script>alert(1)</script>';
    const body = '<img src=x onerror="alert(2)"> & \'quotes\' "double" {{template}} ${x}';
    const id = (await announce({ title, body, audience: { roles: ['department_staff'] }, publishAt: '2027-01-01T00:00:00Z' }).expect(201)).body.id as string;
    expect(await deliverDue()).toBe(1);
    const [copy] = (await inbox('surgeryStaff')).filter((n) => n.announcementId === id);
    expect(copy.detail).toMatchObject({ title, body });
    expect((await flow.as('discipline').get(`/announcements/${id}`).expect(200)).body).toMatchObject({ title, body, recipientCount: 2 });
  });

  it('refuses bad input by field and writes nothing', async () => {
    const before = await t.dataSource.query(`SELECT COUNT(*) AS n FROM "announcements"`);
    const bad: [object, string][] = [
      [{ title: '' }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ body: 'x'.repeat(5001) }, 'body'],
      [{ body: 42 }, 'body'],
      [{ audience: {} }, 'audience'],
      [{ audience: { roles: [], departmentIds: [] } }, 'audience'],
      [{ audience: { roles: ['janitor'] } }, 'audience.roles'],
      [{ audience: { departmentIds: ['not-a-uuid'] } }, 'audience.departmentIds'],
      [{ audience: { departmentIds: ['00000000-0000-4000-8000-000000000000'] } }, 'audience.departmentIds'],
      [{ audience: 'everyone' }, 'audience'],
      [{ publishAt: 'tomorrow' }, 'publishAt'],
      [{ publishAt: '2027-01-27' }, 'publishAt'],
      [{ publishAt: null }, 'publishAt'],
    ];
    for (const [change, field] of bad) {
      const response = await announce(change);
      expect({ change, status: response.status, fields: (response.body.details ?? []).map((d: { field: string }) => d.field) }).toEqual({ change, status: 400, fields: expect.arrayContaining([field]) });
    }
    expect(await t.dataSource.query(`SELECT COUNT(*) AS n FROM "announcements"`)).toEqual(before);
    await flow.as('discipline').get('/announcements/00000000-0000-4000-8000-000000000000').expect(404);
    await flow.as('discipline').delete('/announcements/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('is the discipline office’s and the administrator’s: others may neither write nor read them', async () => {
    for (const who of ['lead', 'inspector', 'cardiologyStaff', 'adminVerifier'] as Who[]) {
      await announce({}, who).expect(403);
      await flow.as(who).get('/announcements').expect(403);
    }
  });

  // Several instances of the service share one PostgreSQL; SQLite is one machine's database.
  if (onPostgres) {
    it('delivers each exactly once with two instances running at once', async () => {
      now = new Date('2027-01-20T02:00:00Z');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await announce({ title: `提醒 ${i}`, audience: { roles: ['department_staff', 'round_lead'] }, publishAt: '2027-01-21T00:00:00Z' }).expect(201)).body.id);
      const second = await t.another();
      try {
        useClock(second);
        now = new Date('2027-01-21T00:00:00Z');
        const delivered = await Promise.all([deliverDue(t), deliverDue(second), deliverDue(t), deliverDue(second)]);
        expect(delivered.reduce((a, b) => a + b, 0)).toBe(5);
        for (const id of ids) {
          const copies = await copiesOf(id);
          expect(copies).toHaveLength(4);
          expect(new Set(copies).size).toBe(4);
          expect((await flow.as('discipline').get(`/announcements/${id}`).expect(200)).body.recipientCount).toBe(4);
        }
      } finally {
        await second.close();
      }
    });
  }
});
