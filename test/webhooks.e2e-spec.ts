import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import { Clock } from '../src/common/clock';
import { AppConfig } from '../src/config/app-config';
import { Database } from '../src/database/database';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { isPublicAddress, refusedUrl } from '../src/webhooks/webhook-network';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { Receiver, verifiesTimestamped } from './support/receiver';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const SECRET = 'a-shared-secret-of-the-robot';

describe(`webhooks (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let receiver: Receiver;
  // Today: one test runs a second instance of the service on the real clock, which must find none of these findings' timers due.
  let now = new Date();
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  const useClock = () => jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const deliverDue = () => t.app.get(WebhookDispatcher).deliverDue();
  const admin = () => flow.as('admin');
  const register = async (path: string, extra: object = {}) =>
    (await admin().post('/webhooks', { url: receiver.url(path), secret: SECRET, ...extra }).expect(201)).body.id as string;
  const deliveries = async (endpointId: string) => (await admin().get(`/webhooks/${endpointId}/deliveries`).expect(200)).body;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    t = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_BACKOFF_MS: '1000', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '1000' });
    useClock();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  // Each test's endpoints are removed after it, so the next one's deliveries are its own.
  afterEach(async () => {
    for (const endpoint of (await admin().get('/webhooks').expect(200)).body.filter((e: { active: boolean }) => e.active)) {
      await admin().delete(`/webhooks/${endpoint.id}`).expect(204);
    }
    receiver.received.length = 0;
    receiver.status = () => 200;
    receiver.hold = () => false;
  });

  it('registers endpoints for the administrator, refusing bad input by field, never showing the secret, audited', async () => {
    const bad: [object, string][] = [
      [{ url: 'ftp://robot.example/hook', secret: SECRET }, 'url'],
      [{ url: 'not a url', secret: SECRET }, 'url'],
      [{ url: 'https://robot.example/hook', secret: 'short' }, 'secret'],
      [{ url: 'https://robot.example/hook', secret: SECRET, role: 'janitor' }, 'role'],
      [{ url: 'https://robot.example/hook', secret: SECRET, events: ['closed'] }, 'events'],
      [{ url: 'https://robot.example/hook', secret: SECRET, departmentId: '00000000-0000-4000-8000-000000000000' }, 'departmentId'],
    ];
    for (const [body, field] of bad) {
      const response = await admin().post('/webhooks', body).expect(400);
      expect({ body, fields: response.body.details.map((d: { field: string }) => d.field) }).toEqual({ body, fields: [field] });
    }

    const created = await admin()
      .post('/webhooks', { url: receiver.url('/card'), secret: SECRET, departmentId: h.departments.cardiology, events: ['overdue', 'escalated'] })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      kind: 'webhook',
      url: receiver.url('/card'),
      departmentId: h.departments.cardiology,
      role: null,
      events: ['overdue', 'escalated'],
      roundTypes: null,
      ratePerMinute: null,
      active: true,
      createdBy: expect.any(String),
      createdAt: now.toISOString(),
      integrityMarkedBy: null,
      integrityMarkedAt: null,
    });
    const listed = (await admin().get('/webhooks').expect(200)).body;
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    const audit = (await admin().get(`/audit?entityType=webhook&entityId=${created.body.id}`).expect(200)).body.items;
    expect(audit.map((e: { event: string }) => e.event)).toEqual(['WEBHOOK_CREATED']);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('gives a name server two seconds: a slow lookup refuses the URL instead of holding the request', async () => {
    const slow = jest.spyOn(dns, 'lookup').mockImplementation((() => undefined) as never);
    try {
      const started = Date.now();
      expect(await refusedUrl(new URL('https://slow.example/hook'), false)).toBe('host slow.example did not resolve within 2 s');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      slow.mockRestore();
    }
  });

  it('refuses URLs that lead to loopback or private addresses unless allowed, at registration and again at delivery', async () => {
    expect(['8.8.8.8', '2001:4860:4860::8888'].every(isPublicAddress)).toBe(true);
    expect(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::127.0.0.1', '::7f00:1'].filter(isPublicAddress)).toEqual([]);
    expect(await refusedUrl(new URL('http://8.8.8.8/hook'), false)).toBeNull();
    expect(await refusedUrl(new URL('http://127.0.0.1/hook'), true)).toBeNull();

    const endpointId = await register('/inside');
    const config = t.app.get(AppConfig);
    config.WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;
    try {
      for (const url of [receiver.url('/x'), 'http://localhost:8080/x', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data']) {
        const response = await admin().post('/webhooks', { url, secret: SECRET }).expect(400);
        expect({ url, details: response.body.details }).toEqual({
          url,
          details: [{ field: 'url', reason: expect.stringMatching(/resolves to .*loopback or private address; set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/) }],
        });
      }
      // Registered while allowed, now refused when the delivery is tried: nothing leaves for the intranet.
      await flow.assignedFinding('administrative');
      expect(await deliverDue()).toBe(1);
      expect(receiver.received).toEqual([]);
      const [delivery] = (await deliveries(endpointId)).items;
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/127\.0\.0\.1, a loopback or private address/) });
      expect(delivery.attemptLog).toEqual([{ attempt: 1, at: now.toISOString(), statusCode: null, error: delivery.lastError, durationMs: expect.any(Number) }]);
    } finally {
      config.WEBHOOK_ALLOW_PRIVATE_NETWORKS = true;
    }
  });

  it('delivers each notice once, signed, to exactly the endpoints that take it', async () => {
    const all = await register('/all');
    const cardiology = await register('/card', { departmentId: h.departments.cardiology });
    const verifiers = await register('/verify', { role: 'verifier', events: ['evidence_submitted'] });
    await register('/surg', { departmentId: h.departments.surgery });

    const { findingId } = await flow.assignedFinding('administrative');
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
    await flow.submitEvidence('cardiologyStaff', findingId, 'n');
    expect(await deliverDue()).toBe(4);
    expect(await deliverDue()).toBe(0);

    expect(receiver.bodies('/all').map((b) => b.type).sort()).toEqual(['assigned', 'evidence_submitted']);
    expect(receiver.bodies('/card').map((b) => b.type)).toEqual(['assigned']);
    expect(receiver.bodies('/verify').map((b) => b.type)).toEqual(['evidence_submitted']);
    expect(receiver.bodies('/surg')).toEqual([]);

    for (const { headers, body } of receiver.received) {
      expect(headers['x-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [assigned] = receiver.bodies('/card');
    expect(assigned).toEqual({
      id: expect.any(String),
      type: 'assigned',
      occurredAt: now.toISOString(),
      event: 'ASSIGN',
      finding: {
        id: findingId,
        roundId: expect.any(String),
        roundType: 'administrative',
        severity: 'major',
        title: expect.any(String),
        responsibleDepartmentId: h.departments.cardiology,
        state: 'assigned',
        timeliness: 'on_track',
        light: 'green',
        deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T23:59:59\.999\+08:00$/),
        escalationLevel: 0,
      },
    });
    // Both endpoints had the same notice: the same body, two deliveries.
    const allAssigned = receiver.received.find((r) => r.path === '/all' && JSON.parse(r.body).type === 'assigned')!;
    const cardAssigned = receiver.received.find((r) => r.path === '/card')!;
    expect(allAssigned.body).toBe(cardAssigned.body);
    expect(allAssigned.headers['x-delivery-id']).not.toBe(cardAssigned.headers['x-delivery-id']);
    // The notice's id is the one the recipients' notifications carry.
    const inbox = (await flow.as('cardiologyStaff').get('/me/notifications?limit=500').expect(200)).body.items;
    expect(inbox.filter((n: { findingId: string; type: string }) => n.findingId === findingId && n.type === 'assigned')).toHaveLength(1);

    for (const endpointId of [all, cardiology, verifiers]) {
      for (const delivery of (await deliveries(endpointId)).items) {
        expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: now.toISOString(), lastError: null });
        expect(delivery.attemptLog).toEqual([{ attempt: 1, at: now.toISOString(), statusCode: 200, error: null, durationMs: expect.any(Number) }]);
      }
    }
  });

  it('signs each try with its time as well, so a receiver can verify it and refuse a replay', async () => {
    const endpointId = await register('/timed');
    let calls = 0;
    receiver.status = () => (++calls === 1 ? 503 : 200);
    await flow.assignedFinding('administrative');
    await deliverDue();
    later(1000);
    await deliverDue();
    expect((await deliveries(endpointId)).items[0]).toMatchObject({ status: 'delivered', attempts: 2 });

    const [first, second] = receiver.received.filter((r) => r.path === '/timed');
    expect(second.body).toBe(first.body);
    for (const [{ headers, body }, sentAt] of [[first, now.getTime() - 1000], [second, now.getTime()]] as const) {
      const t = Math.floor(sentAt / 1000);
      const header = headers['x-webhook-signature'] as string;
      expect(header).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
      // The body signature of the earlier header is still sent, for receivers that check only that.
      expect(headers['x-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      expect(verifiesTimestamped(header, body, SECRET, t)).toBe(true);
      expect(verifiesTimestamped(header, body, SECRET, t + 300)).toBe(true);
      // A replay after five minutes, a changed time, a changed body or another secret does not verify.
      expect(verifiesTimestamped(header, body, SECRET, t + 301)).toBe(false);
      expect(verifiesTimestamped(header.replace(`t=${t}`, `t=${t + 1}`), body, SECRET, t + 1)).toBe(false);
      expect(verifiesTimestamped(header, body.replace('"assigned"', '"closed"'), SECRET, t)).toBe(false);
      expect(verifiesTimestamped(header, body, 'another-secret-of-16+', t)).toBe(false);
    }
    expect(first.headers['x-webhook-signature']).not.toBe(second.headers['x-webhook-signature']);
  });

  it('sends an integrity notice only to endpoints inside the matter, never with its title, and withholds it from the administrator', async () => {
    await register('/all');
    await register('/cardiology-any-role', { departmentId: h.departments.cardiology });
    await register('/surgery-staff', { role: 'department_staff', departmentId: h.departments.surgery });
    await register('/round-leads', { role: 'round_lead' });
    await register('/cardiology-staff-unmarked', { role: 'department_staff', departmentId: h.departments.cardiology });
    const inside = await register('/cardiology-staff', { role: 'department_staff', departmentId: h.departments.cardiology });
    const discipline = await register('/discipline', { role: 'discipline_office' });
    // Only the discipline office marks an endpoint for integrity notices; the administrator who registered it cannot.
    await admin().put(`/webhooks/${inside}/integrity`, { marked: true }).expect(403);
    for (const id of [inside, discipline]) {
      const marked = (await flow.as('discipline').put(`/webhooks/${id}/integrity`, { marked: true }).expect(200)).body;
      expect(marked).toMatchObject({ id, integrityMarkedBy: h.users.discipline.id, integrityMarkedAt: now.toISOString() });
    }
    const { findingId } = await flow.assignedFinding('integrity');
    await deliverDue();
    for (const outside of ['/all', '/cardiology-any-role', '/surgery-staff', '/round-leads', '/cardiology-staff-unmarked']) expect(receiver.bodies(outside)).toEqual([]);
    const [sent] = receiver.bodies('/cardiology-staff');
    expect(sent).toMatchObject({ type: 'assigned', finding: { id: findingId, roundType: 'integrity' } });
    expect(sent.finding).not.toHaveProperty('title');
    expect(receiver.bodies('/discipline')).toEqual([]); // an assignment is the department's news; the discipline office hears of escalations

    // The administrator manages the endpoint but is outside the matter: the delivery is listed, its body withheld.
    const [delivery] = (await deliveries(inside)).items;
    expect(delivery).toMatchObject({ findingId, status: 'delivered', withheld: true, body: null });
    expect((await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body.id).toBe(findingId);
    expect((await deliveries(discipline)).items).toEqual([]);
    const log = (await flow.as('discipline').get(`/audit?entityId=${inside}`).expect(200)).body.items;
    expect(log.map((e: { event: string; actorId: string }) => [e.event, e.actorId])).toEqual([
      ['WEBHOOK_CREATED', expect.any(String)],
      ['WEBHOOK_INTEGRITY_MARKED', h.users.discipline.id],
    ]);

    // Unmarked, it takes no more.
    await flow.as('discipline').put(`/webhooks/${inside}/integrity`, { marked: false }).expect(200);
    await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason: 'not ours' });
    await flow.as('lead').post(`/findings/${findingId}/events`, { type: 'UPHOLD', reason: 'it is' }).expect(200);
    await deliverDue();
    expect(receiver.bodies('/cardiology-staff')).toHaveLength(1);
  });

  it('retries with exponential backoff, then dead-letters, logging every try', async () => {
    const flaky = await register('/flaky');
    receiver.status = () => 503;
    await flow.assignedFinding('administrative');
    const started = now.getTime();

    expect(await deliverDue()).toBe(1);
    expect(await deliverDue()).toBe(0);
    later(999);
    expect(await deliverDue()).toBe(0);
    later(1);
    expect(await deliverDue()).toBe(1);
    later(1999);
    expect(await deliverDue()).toBe(0);
    later(1);
    expect(await deliverDue()).toBe(1);
    later(3_600_000);
    expect(await deliverDue()).toBe(0);

    const [delivery] = (await deliveries(flaky)).items;
    expect(delivery).toMatchObject({ status: 'dead', attempts: 3, lastError: 'answered 503', deliveredAt: null });
    expect(delivery.attemptLog.map((a: { attempt: number; at: string; statusCode: number }) => [a.attempt, Date.parse(a.at) - started, a.statusCode])).toEqual([
      [1, 0, 503],
      [2, 1000, 503],
      [3, 3000, 503],
    ]);
    // The same delivery each time: the receiver can tell a repeat.
    expect(new Set(receiver.received.map((r) => r.headers['x-delivery-id'])).size).toBe(1);
    expect(new Set(receiver.bodies('/flaky').map((b) => b.id)).size).toBe(1);
    expect((await admin().get(`/webhooks/${flaky}/deliveries?status=dead`).expect(200)).body.total).toBe(1);
    expect((await admin().get(`/webhooks/${flaky}/deliveries?status=delivered`).expect(200)).body.total).toBe(0);

    // The robot is mended: the administrator sends the dead letter again; its earlier tries stay in the log.
    receiver.status = () => 200;
    const retried = await admin().post(`/webhooks/${flaky}/deliveries/${delivery.id}/retry`, {}).expect(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    await admin().post(`/webhooks/${flaky}/deliveries/${delivery.id}/retry`, {}).expect(409);
    await admin().post(`/webhooks/${flaky}/deliveries/00000000-0000-4000-8000-000000000000/retry`, {}).expect(404);
    expect(await deliverDue()).toBe(1);
    const [redelivered] = (await deliveries(flaky)).items;
    expect(redelivered).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(redelivered.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 503, 200]);
    const audit = (await admin().get(`/audit?entityType=webhook&entityId=${flaky}`).expect(200)).body.items;
    expect(audit.map((e: { event: string }) => e.event)).toEqual(['WEBHOOK_CREATED', 'WEBHOOK_DELIVERY_RETRIED']);
  });

  it('gives up a try the receiver does not answer in time', async () => {
    const endpointId = await register('/silent');
    receiver.hold = (received) => received.path === '/silent';
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(1);
    const [delivery] = (await deliveries(endpointId)).items;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'no answer within 1000 ms' });
    expect(delivery.attemptLog).toEqual([
      { attempt: 1, at: now.toISOString(), statusCode: null, error: 'no answer within 1000 ms', durationMs: expect.any(Number) },
    ]);
    expect(delivery.attemptLog[0].durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('delivers on a later try when the receiver recovers', async () => {
    const endpointId = await register('/recovering');
    let calls = 0;
    receiver.status = () => (++calls === 1 ? 500 : 204);
    await flow.assignedFinding('administrative');
    await deliverDue();
    later(1000);
    await deliverDue();
    const [delivery] = (await deliveries(endpointId)).items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 204]);
  });

  it('loses nothing when the service stops between the commit and the delivery', async () => {
    const endpointId = await register('/crash');
    const { findingId } = await flow.assignedFinding('administrative');
    // Stopped before any delivery was tried; the notice waits in the database.
    t = await t.restart();
    useClock();
    flow = new Flow(t, h);
    expect(await deliverDue()).toBe(1);
    expect(receiver.bodies('/crash').map((b) => [b.type, b.finding.id])).toEqual([['assigned', findingId]]);
    expect((await deliveries(endpointId)).items[0].status).toBe('delivered');
  });

  it('delivers, after a restart, what a killed instance was sending', async () => {
    // The second instance runs on the real clock: back to it, so the notice is due there at once (earlier tests moved time on).
    now = new Date();
    const endpointId = await register('/killed');
    const { findingId } = await flow.assignedFinding('administrative');
    // A second instance, a real process, takes the delivery; the receiver holds its first request while that process is killed.
    let held!: () => void;
    const arrived = new Promise<void>((resolve) => (held = resolve));
    receiver.status = () => 200;
    receiver.hold = (received) => {
      if (received.path !== '/killed') return false;
      receiver.hold = () => false;
      held();
      return true;
    };
    const instance = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      env: { ...process.env, ...t.environment, DATABASE_URL: process.env.DATABASE_URL, PORT: '0', SCHEDULER_INTERVAL_MS: '50', TS_NODE_PROJECT: 'tsconfig.json' },
      stdio: 'ignore',
    });
    const died = new Promise((resolve) => instance.on('exit', resolve));
    await arrived;
    instance.kill('SIGKILL');
    await died;
    const [leased] = (await deliveries(endpointId)).items;
    expect(leased).toMatchObject({ status: 'pending', attempts: 0 });

    // Once the lease the killed instance took has run out, this instance sends it again, as the same delivery.
    now = new Date(Date.now() + t.app.get(AppConfig).WEBHOOK_TIMEOUT_MS + 31_000);
    expect(await deliverDue()).toBe(1);
    const sent = receiver.received.filter((r) => r.path === '/killed');
    expect(sent).toHaveLength(2);
    expect(sent[0].headers['x-delivery-id']).toBe(sent[1].headers['x-delivery-id']);
    expect(JSON.parse(sent[1].body).finding.id).toBe(findingId);
    expect((await deliveries(endpointId)).items[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('sends again a delivery whose sender died after taking it, once its lease has run out', async () => {
    await register('/lease');
    await flow.assignedFinding('administrative');
    // An instance takes the delivery and dies before sending it.
    const taken = (await t.app.get(Database).write(null, (manager) => t.app.get(WebhookDispatcher).claim(manager))).claimed;
    expect(taken).toHaveLength(1);
    expect(await deliverDue()).toBe(0);
    later(t.app.get(AppConfig).WEBHOOK_TIMEOUT_MS + 30_000);
    expect(await deliverDue()).toBe(1);
    expect(receiver.received.map((r) => r.headers['x-delivery-id'])).toEqual([taken[0].deliveries[0].id]);
    expect(receiver.bodies('/lease').map((b) => b.id)).toEqual([taken[0].deliveries[0].noticeId]);
  });

  it('dead-letters what was queued for an endpoint when it is removed', async () => {
    const endpointId = await register('/removed');
    await flow.assignedFinding('administrative');
    await admin().delete(`/webhooks/${endpointId}`).expect(204);
    expect(await deliverDue()).toBe(0);
    const [delivery] = (await deliveries(endpointId)).items;
    expect(delivery).toMatchObject({ status: 'dead', attempts: 0, lastError: 'endpoint removed' });
    const audit = (await admin().get(`/audit?entityType=webhook&entityId=${endpointId}`).expect(200)).body.items;
    expect(audit.map((e: { event: string }) => e.event)).toEqual(['WEBHOOK_CREATED', 'WEBHOOK_REMOVED']);
    await admin().get('/webhooks/00000000-0000-4000-8000-000000000000/deliveries').expect(404);
  });
});
