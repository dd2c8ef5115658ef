import { DateTime } from 'luxon';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { Hospital, seedHospital } from './support/hospital';
import { Receiver } from './support/receiver';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Unannounced visits (明察暗访, seed 001): the visited department learns of the round when the team arrives. */
describe(`unannounced rounds (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let receiver: Receiver;
  let month: string;
  let today: string;
  let verifierInCardiology: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    receiver = await new Receiver().start();
    t = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    h = await seedHospital(t);
    const now = DateTime.now().setZone('Asia/Shanghai');
    month = now.toFormat('yyyy-MM');
    today = now.toISODate()!;
    // Someone who sees the hospital's rounds by role, but works in the department visited.
    const body = { username: 'card-verifier', password: PASSWORD, displayName: 'card-verifier', roles: ['verifier'], departmentId: h.departments.cardiology };
    await t.http.post('/users').set(bearer(h.users.admin.token)).send(body).expect(201);
    verifierInCardiology = await t.login('card-verifier');
    await t.http
      .post('/webhooks')
      .set(bearer(h.users.admin.token))
      .send({ url: receiver.url('/cardiology'), secret: 'a-webhook-secret-0123456789', departmentId: h.departments.cardiology })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const plan = (types: string[], extra: object = {}) =>
    t.http
      .post('/rounds')
      .set(bearer(h.users.lead.token))
      .send({ types, departmentId: h.departments.cardiology, scheduledFor: today, leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id], ...extra })
      .expect(201);

  /** Everywhere the visited department could come across the round, as `token` would. */
  async function seenBy(token: string, roundId: string) {
    const read = (url: string) => t.http.get(url).set(bearer(token));
    return {
      read: (await read(`/rounds/${roundId}`)).status,
      results: (await read(`/rounds/${roundId}/results`)).status,
      trail: (await read(`/rounds/${roundId}/audit`)).status,
      listed: (await read('/rounds?limit=500').expect(200)).body.items.some((r: { id: string }) => r.id === roundId),
      filtered: (await read(`/rounds?departmentId=${h.departments.cardiology}&limit=500`).expect(200)).body.items.some((r: { id: string }) => r.id === roundId),
      inNotice: (await read(`/reports/notice?month=${month}&format=json`).expect(200)).body.rounds.some((r: { id: string }) => r.id === roundId),
      notified: (await read('/me/notifications?limit=500').expect(200)).body.items.length,
    };
  }
  const hidden = { read: 404, results: 404, trail: 404, listed: false, filtered: false, inNotice: false, notified: 0 };

  it('makes integrity rounds unannounced unless planned otherwise, and others announced unless asked', async () => {
    expect((await plan(['integrity'])).body.unannounced).toBe(true);
    expect((await plan(['administrative', 'integrity'])).body.unannounced).toBe(true);
    expect((await plan(['integrity'], { unannounced: false })).body.unannounced).toBe(false);
    expect((await plan(['administrative'])).body.unannounced).toBe(false);
    expect((await plan(['administrative'], { unannounced: true })).body.unannounced).toBe(true);
    const refused = await t.http
      .post('/rounds')
      .set(bearer(h.users.lead.token))
      .send({ types: ['administrative'], departmentId: h.departments.cardiology, scheduledFor: today, leadId: h.users.lead.id, teamMemberIds: [], unannounced: 'yes' })
      .expect(400);
    expect(refused.body.details).toContainEqual({ field: 'unannounced', reason: expect.stringContaining('boolean') });
  });

  it('keeps a planned unannounced round out of the visited department\'s sight everywhere, until it starts', async () => {
    const roundId = (await plan(['administrative'], { unannounced: true })).body.id;
    await t.app.get(WebhookDispatcher).deliverDue();
    expect(await seenBy(h.users.cardiologyStaff.token, roundId)).toEqual(hidden);
    expect(await seenBy(verifierInCardiology, roundId)).toEqual(hidden);
    expect(receiver.received).toEqual([]);
    // The rest of the hospital plans around it as usual.
    expect((await seenBy(h.users.adminVerifier.token, roundId)).read).toBe(200);
    expect((await seenBy(h.users.inspector.token, roundId)).listed).toBe(true);

    await t.http.post(`/rounds/${roundId}/events`).set(bearer(h.users.lead.token)).send({ type: 'START' }).expect(200);
    expect(await seenBy(h.users.cardiologyStaff.token, roundId)).toMatchObject({ read: 200, results: 200, trail: 200, listed: true, filtered: true, inNotice: true });
    expect((await seenBy(verifierInCardiology, roundId)).read).toBe(200);
  });

  it('keeps an unannounced round that was cancelled before it started unannounced', async () => {
    const roundId = (await plan(['administrative'], { unannounced: true })).body.id;
    await t.http.post(`/rounds/${roundId}/events`).set(bearer(h.users.lead.token)).send({ type: 'CANCEL', reason: 'the team was needed elsewhere' }).expect(200);
    expect(await seenBy(h.users.cardiologyStaff.token, roundId)).toEqual(hidden);
  });

  it('shows an announced round to the visited department from the day it is planned', async () => {
    const roundId = (await plan(['administrative'])).body.id;
    expect((await seenBy(h.users.cardiologyStaff.token, roundId)).read).toBe(200);
  });
});
