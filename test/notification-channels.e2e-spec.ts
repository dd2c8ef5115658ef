import { createHmac, randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { AppConfig } from '../src/config/app-config';
import { DeadlineScheduler } from '../src/deadlines/deadline-scheduler';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from '../src/webhooks/webhook.entities';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { Mailbox } from './support/mailbox';
import { Receiver, type Received } from './support/receiver';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const PUBLIC_URL = 'https://rounds.hospital.example';
const DING_SECRET = 'SEC5c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f';
const ROBOT_OK = JSON.stringify({ errcode: 0, errmsg: 'ok' });
const HOSTILE = '[点此处理](https://evil.example) <@all> **紧急** <script>alert(1)</script> & "引号"';
/** HOSTILE as an e-mail carries it: as typed, but for the address, which no mail client may link. */
const HOSTILE_MAILED = '[点此处理](https：//evil.\u200Bexample) <@all> **紧急** <script>alert(1)</script> & "引号"';

describe(`notification channels: WeCom, DingTalk, e-mail (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let receiver: Receiver;
  let mailbox: Mailbox;
  let now = new Date('2026-11-23T02:00:00Z');
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  const useClock = (app: TestApp) => jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const deliverDue = (app = t) => app.app.get(WebhookDispatcher).deliverDue();
  const admin = () => flow.as('admin');
  const register = async (body: object) => (await admin().post('/webhooks', body).expect(201)).body as { id: string; kind: string; url: string };
  const deliveries = async (endpointId: string, query = '') => (await admin().get(`/webhooks/${endpointId}/deliveries?limit=500${query}`).expect(200)).body;
  const robotBodies = (path: string) => receiver.received.filter((r) => new URL(r.path, 'http://x').pathname === path).map((r) => JSON.parse(r.body));

  beforeAll(async () => {
    receiver = await new Receiver().start();
    receiver.answer = () => ROBOT_OK;
    mailbox = await new Mailbox().start();
    t = await startApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_BACKOFF_MS: '1000',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_TIMEOUT_MS: '2000',
      PUBLIC_URL,
      SMTP_URL: mailbox.url,
      NOTIFY_EMAIL_FROM: 'rounds@hospital.example',
    });
    useClock(t);
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await mailbox.stop();
  });

  afterEach(async () => {
    for (const endpoint of (await admin().get('/webhooks').expect(200)).body.filter((e: { active: boolean }) => e.active)) {
      await admin().delete(`/webhooks/${endpoint.id}`).expect(204);
    }
    receiver.received.length = 0;
    receiver.status = () => 200;
    receiver.answer = () => ROBOT_OK;
    mailbox.received.length = 0;
    mailbox.refuse = false;
  });

  it('registers each kind with its own fields, refusing what does not fit by field, never showing a secret or a robot key', async () => {
    const wecomUrl = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
    const dingUrl = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef';
    const bad: [object, string[]][] = [
      [{ kind: 'fax', url: wecomUrl }, ['kind']],
      [{ kind: 'wecom' }, ['url']],
      [{ kind: 'wecom', url: wecomUrl, secret: 'a-secret-of-sixteen-chars' }, ['secret']],
      [{ kind: 'dingtalk', url: dingUrl }, ['secret']],
      [{ kind: 'dingtalk', url: dingUrl, secret: 'not-a-dingtalk-signing-secret' }, ['secret']],
      [{ kind: 'email' }, ['address']],
      [{ kind: 'email', address: 'not an address' }, ['address']],
      [{ kind: 'email', address: '"x,evil@attacker.example"@hospital.example' }, ['address']],
      [{ kind: 'email', address: 'office@hospital.example', url: 'https://x.example/' }, ['url']],
      [{ kind: 'wecom', url: wecomUrl, ratePerMinute: 0 }, ['ratePerMinute']],
      [{ url: 'https://robot.example/hook', secret: 'a-shared-secret-of-the-robot', ratePerMinute: 20 }, ['ratePerMinute']],
      [{ kind: 'wecom', url: wecomUrl, roundTypes: ['hygiene'] }, ['roundTypes']],
    ];
    const config = t.app.get(AppConfig);
    config.WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;
    try {
      for (const [body, fields] of [
        ...bad,
        [{ kind: 'wecom', url: 'https://robot.example/cgi-bin/webhook/send?key=1' }, ['url']],
        [{ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send', secret: DING_SECRET }, ['url']],
      ] as [object, string[]][]) {
        const response = await admin().post('/webhooks', body).expect(400);
        expect({ body, fields: [...new Set(response.body.details.map((d: { field: string }) => d.field))] }).toEqual({ body, fields });
      }
      config.SMTP_URL = undefined;
      const noMailServer = await admin().post('/webhooks', { kind: 'email', address: 'office@hospital.example' }).expect(400);
      expect(noMailServer.body.details).toEqual([{ field: 'kind', reason: 'email endpoints need SMTP_URL to be set' }]);
    } finally {
      config.WEBHOOK_ALLOW_PRIVATE_NETWORKS = true;
      config.SMTP_URL = mailbox.url;
    }

    const wecom = await admin().post('/webhooks', { kind: 'wecom', url: wecomUrl, departmentId: h.departments.cardiology, roundTypes: ['administrative'] }).expect(201);
    expect(wecom.body).toEqual({
      id: expect.any(String),
      kind: 'wecom',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
      departmentId: h.departments.cardiology,
      role: null,
      events: null,
      roundTypes: ['administrative'],
      ratePerMinute: 20,
      active: true,
      createdBy: expect.any(String),
      createdAt: now.toISOString(),
      integrityMarkedBy: null,
      integrityMarkedAt: null,
    });
    const ding = await admin().post('/webhooks', { kind: 'dingtalk', url: dingUrl, secret: DING_SECRET, ratePerMinute: 10 }).expect(201);
    expect(ding.body).toMatchObject({ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=***', ratePerMinute: 10 });
    const email = await admin().post('/webhooks', { kind: 'email', address: 'office@hospital.example' }).expect(201);
    expect(email.body).toMatchObject({ kind: 'email', url: 'mailto:office@hospital.example', ratePerMinute: null });

    const listed = JSON.stringify((await admin().get('/webhooks').expect(200)).body);
    for (const secret of [DING_SECRET, '693a91f6-7xxx', '0123456789abcdef']) expect(listed).not.toContain(secret);
    const audit = (await admin().get(`/audit?entityType=webhook&entityId=${wecom.body.id}`).expect(200)).body.items;
    expect(audit.map((e: { event: string; payload: object }) => [e.event, e.payload])).toEqual([
      ['WEBHOOK_CREATED', { kind: 'wecom', url: wecom.body.url, departmentId: h.departments.cardiology, role: null, events: null, roundTypes: ['administrative'], ratePerMinute: 20 }],
    ]);
  });

  it('sends a WeCom robot markdown naming round type, department, finding, deadline and light, with the link; only the round types it takes', async () => {
    await register({ kind: 'wecom', url: receiver.url('/wecom?key=k1'), departmentId: h.departments.cardiology });
    await register({ kind: 'wecom', url: receiver.url('/party?key=k2'), roundTypes: ['party_building'] });
    const { findingId } = await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(1);
    expect(robotBodies('/party')).toEqual([]);
    const [sent] = robotBodies('/wecom');
    expect(Object.keys(sent)).toEqual(['msgtype', 'markdown']);
    expect(sent.msgtype).toBe('markdown');
    expect(Object.keys(sent.markdown)).toEqual(['content']);
    const { content } = sent.markdown;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body;
    expect(content.split('\n')).toEqual([
      `**已交办：${finding.title}**`,
      '> 查房类型：行政查房',
      '> 责任科室：CARD',
      `> 问题：${finding.title}`,
      `> 整改时限：${finding.deadline.slice(0, 10)}`,
      '> 督办灯：绿灯',
      '',
      `[查看问题](${PUBLIC_URL}/console/findings/${findingId})`,
    ]);
  });

  it('signs every DingTalk try afresh (timestamp and sign in the URL) and sends markdown with a title, mentioning no one without a DingTalk id or mobile', async () => {
    const endpoint = await register({ kind: 'dingtalk', url: receiver.url('/ding?access_token=t1'), secret: DING_SECRET });
    let calls = 0;
    receiver.status = () => (++calls === 1 ? 500 : 200);
    await flow.assignedFinding('administrative', { title: HOSTILE });
    expect(await deliverDue()).toBe(1);
    later(1000);
    expect(await deliverDue()).toBe(1);
    const tries = receiver.received.filter((r) => r.path.startsWith('/ding'));
    expect(tries).toHaveLength(2);
    const verified = (request: Received) => {
      const url = new URL(request.path, 'http://x');
      const timestamp = url.searchParams.get('timestamp')!;
      const expected = createHmac('sha256', DING_SECRET).update(`${timestamp}\n${DING_SECRET}`).digest('base64');
      // The sign arrives URL-encoded: `+`, `/` and `=` of base64 escaped, read back by searchParams.
      expect(request.path).toContain(`sign=${encodeURIComponent(expected)}`);
      expect(url.searchParams.get('access_token')).toBe('t1');
      return { timestamp: Number(timestamp), sign: url.searchParams.get('sign') === expected };
    };
    expect(tries.map(verified)).toEqual([
      { timestamp: now.getTime() - 1000, sign: true },
      { timestamp: now.getTime(), sign: true },
    ]);
    const body = JSON.parse(tries[1].body);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: { title: expect.stringContaining('已交办：'), text: expect.stringContaining('> 查房类型：行政查房') },
      at: { atUserIds: [], atMobiles: [], isAtAll: false },
    });
    // The hostile title shows as text: no link, mention, emphasis or tag of its own.
    for (const text of [body.markdown.title, body.markdown.text]) {
      expect(text).not.toMatch(/<@|<script|\]\(https:\/\/evil|\*\*紧急/);
      expect(text).toContain('［点此处理］（https：//evil.\u200Bexample） ＜＠all＞ ＊＊紧急＊＊ ＜script＞alert（1）＜/script＞');
    }
    const [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(delivery.attemptLog.map((a: { statusCode: number; error: string | null }) => [a.statusCode, a.error])).toEqual([
      [500, 'answered 500'],
      [200, null],
    ]);
  });

  it('counts a robot answering 200 with an error code as a failure, and retries it', async () => {
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/refusing?key=k') });
    let calls = 0;
    receiver.answer = () => (++calls === 1 ? JSON.stringify({ errcode: 93000, errmsg: 'invalid webhook url' }) : ROBOT_OK);
    await flow.assignedFinding('administrative');
    await deliverDue();
    later(1000);
    await deliverDue();
    const [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(delivery.attemptLog.map((a: { error: string | null }) => a.error)).toEqual(['errcode 93000: invalid webhook url', null]);
  });

  it.each([
    ['wecom', 45009, 'api freq out of limit'],
    ['dingtalk', 130101, 'send too fast, exceed 20 times per minute'],
  ])('waits a minute, counting no try, whenever a %s robot answers that it is over its rate (errcode %d)', async (kind, errcode, errmsg) => {
    const endpoint = await register(kind === 'wecom' ? { kind, url: receiver.url('/over-rate?key=k') } : { kind, url: receiver.url('/over-rate?access_token=k'), secret: DING_SECRET });
    let overRate = true;
    receiver.answer = () => (overRate ? JSON.stringify({ errcode, errmsg }) : ROBOT_OK);
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(1);
    const nextMinute = new Date(now.getTime() + 60_000).toISOString();
    // The robot's own rate (20) has room, but nothing else goes to it in that minute.
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(0);
    type Row = [status: string, attempts: number, lastError: string | null, nextAttemptAt: string, tries: number];
    const waiting = async (): Promise<Row[]> =>
      (await deliveries(endpoint.id)).items.map((d: { status: string; attempts: number; lastError: string | null; nextAttemptAt: string; attemptLog: unknown[] }) => [d.status, d.attempts, d.lastError, d.nextAttemptAt, d.attemptLog.length]);
    // The one the robot refused, and the one held back untried.
    expect((await waiting()).sort(([, , a], [, , b]) => String(a).localeCompare(String(b)))).toEqual([
      ['pending', 0, `errcode ${errcode}: ${errmsg}`, nextMinute, 0],
      ['pending', 0, null, nextMinute, 0],
    ]);
    // Told "too fast" more often than WEBHOOK_MAX_ATTEMPTS (3) allows tries: never dead-lettered.
    for (let minute = 1; minute <= 4; minute++) {
      later(59_999);
      expect(await deliverDue()).toBe(0);
      later(1);
      expect(await deliverDue()).toBe(2);
      expect((await waiting()).map(([status, attempts]) => [status, attempts])).toEqual([['pending', 0], ['pending', 0]]);
    }
    overRate = false;
    later(60_000);
    expect(await deliverDue()).toBe(2);
    expect((await waiting()).map(([status, attempts, lastError]) => [status, attempts, lastError])).toEqual([['delivered', 1, null], ['delivered', 1, null]]);
    expect(robotBodies('/over-rate')).toHaveLength(1 + 4 * 2 + 2);
  });

  it('e-mails an office mailbox text and HTML, client text escaped in the HTML, retrying when the mail server refuses', async () => {
    const endpoint = await register({ kind: 'email', address: 'card-office@hospital.example', departmentId: h.departments.cardiology });
    mailbox.refuse = true;
    const { findingId } = await flow.assignedFinding('administrative', { title: HOSTILE });
    expect(await deliverDue()).toBe(1);
    expect(mailbox.received).toEqual([]);
    mailbox.refuse = false;
    later(1000);
    expect(await deliverDue()).toBe(1);
    expect(mailbox.received).toHaveLength(1);
    const [mail] = mailbox.received;
    expect(mail.to).toEqual(['card-office@hospital.example']);
    expect(mail.raw).toMatch(/^From: rounds@hospital\.example/m);
    expect(mail.subject).toBe(`已交办：${HOSTILE_MAILED}`);
    expect(mail.text).toContain(`问题：${HOSTILE_MAILED}`);
    expect(mail.text).toContain(`${PUBLIC_URL}/console/findings/${findingId}`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;');
    expect(mail.html).toContain(`<a href="${PUBLIC_URL}/console/findings/${findingId}">查看问题</a>`);
    const [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(delivery.attemptLog.map((a: { statusCode: number | null }) => a.statusCode)).toEqual([null, 250]);
    expect(delivery.attemptLog[0].error).toMatch(/450/);
  });

  it('tells integrity-marked endpoints of every kind only that an integrity matter needs attention, and the others nothing', async () => {
    const inside = { role: 'department_staff', departmentId: h.departments.cardiology };
    const wecom = await register({ kind: 'wecom', url: receiver.url('/wecom-inside?key=k'), ...inside });
    const ding = await register({ kind: 'dingtalk', url: receiver.url('/ding-inside?access_token=t'), secret: DING_SECRET, ...inside });
    const email = await register({ kind: 'email', address: 'integrity@hospital.example', ...inside });
    await register({ kind: 'wecom', url: receiver.url('/wecom-unmarked?key=k'), ...inside });
    await register({ kind: 'email', address: 'everyone@hospital.example' });
    for (const { id } of [wecom, ding, email]) await flow.as('discipline').put(`/webhooks/${id}/integrity`, { marked: true }).expect(200);
    const title = '收受药商红包 kickbacks from a supplier';
    const description = '某医生收受某公司回扣 a named doctor';
    const { findingId } = await flow.assignedFinding('integrity', { title, description });
    expect(await deliverDue()).toBe(3);

    expect(robotBodies('/wecom-unmarked')).toEqual([]);
    expect(mailbox.received.map((m) => m.to)).toEqual([['integrity@hospital.example']]);
    const link = `${PUBLIC_URL}/console/findings/${findingId}`;
    expect(robotBodies('/wecom-inside')).toEqual([{ msgtype: 'markdown', markdown: { content: `**一项廉政事项需要关注**\n\n[查看问题](${link})` } }]);
    expect(robotBodies('/ding-inside')).toEqual([
      { msgtype: 'markdown', markdown: { title: '一项廉政事项需要关注', text: `**一项廉政事项需要关注**\n\n[查看问题](${link})` }, at: { atUserIds: [], atMobiles: [], isAtAll: false } },
    ]);
    const [mail] = mailbox.received;
    expect(mail.subject).toBe('一项廉政事项需要关注');
    expect(mail.text).toBe(`一项廉政事项需要关注\n\n\n查看问题: ${link}`);
    for (const leaving of [...receiver.received.map((r) => r.body), mail.raw, mail.text, mail.html]) {
      for (const secret of [title, description, '收受', 'kickbacks', 'CARD', '廉政查房']) expect(leaving).not.toContain(secret);
    }
  });

  it('turns a burst of 200 deadlines passing into a handful of digests within the robot\'s rate, sharing the rate across instances, dropping none', async () => {
    // The earlier tests' findings pass their deadlines first, before the robot is registered.
    later(40 * 86_400_000);
    await t.app.get(DeadlineScheduler).runDue();
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/burst?key=k'), events: ['assigned', 'overdue'], ratePerMinute: 3 });
    const roundId = await flow.startedRound('administrative');
    for (let i = 0; i < 200; i++) {
      await flow.logFinding(roundId, 'administrative', { title: `问题 ${i + 1}`, responsibleDepartmentId: i % 2 === 0 ? h.departments.cardiology : h.departments.logistics });
    }
    await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
    // Every deadline passes at once: 200 assigned and 200 overdue notices wait for the robot.
    later(40 * 86_400_000);
    expect(await t.app.get(DeadlineScheduler).runDue()).toBeGreaterThanOrEqual(400);
    expect((await deliveries(endpoint.id, '&status=pending')).total).toBe(400);

    // Two instances send at the same time; between them they keep to 3 messages this minute. What one
    // of them had taken while the other spent the minute's budget waits for the next minute.
    const second = await t.another();
    useClock(second);
    let tried: number[];
    try {
      tried = await Promise.all([deliverDue(), deliverDue(second)]);
    } finally {
      await second.close();
    }
    const thisMinute = robotBodies('/burst').length;
    expect(thisMinute).toBeLessThanOrEqual(3);
    const row = await t.dataSource.getRepository(WebhookEndpointEntity).findOneByOrFail({ id: endpoint.id });
    expect(row.recentSends).toEqual(Array(thisMinute).fill(now.toISOString()));
    later(60_000);
    expect(tried[0] + tried[1] + (await deliverDue())).toBe(400);

    const digests = robotBodies('/burst');
    // At most the rate in each minute: a handful of messages for 400 notices.
    expect(digests.length - thisMinute).toBeLessThanOrEqual(3);
    const counted = new Map<string, number>();
    for (const { markdown } of digests) {
      expect(Buffer.byteLength(markdown.content, 'utf8')).toBeLessThanOrEqual(4096);
      expect(markdown.content).toContain(`${PUBLIC_URL}/console/findings?responsibleDepartmentId=`);
      for (const [, department, count, notice] of (markdown.content as string).matchAll(/^\*\*(CARD|LOGI)：(\d+) 项问题「(.+)」\*\*$/gm)) {
        counted.set(`${department} ${notice}`, (counted.get(`${department} ${notice}`) ?? 0) + Number(count));
      }
    }
    expect(Object.fromEntries(counted)).toEqual({ 'CARD 已交办': 100, 'CARD 已超期': 100, 'LOGI 已交办': 100, 'LOGI 已超期': 100 });
    const all = (await deliveries(endpoint.id)).items;
    expect(all).toHaveLength(400);
    expect(all.every((d: { status: string; attempts: number; attemptLog: unknown[] }) => d.status === 'delivered' && d.attempts === 1 && d.attemptLog.length === 1)).toBe(true);
  });

  it('holds what comes once the minute\'s budget is spent until the next minute, then sends it', async () => {
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/slow?key=k'), ratePerMinute: 1 });
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(1);
    const windowStart = now.getTime();
    later(30_000);
    const { findingId } = await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(0);
    const [waiting] = (await deliveries(endpoint.id, '&status=pending')).items;
    expect(waiting).toMatchObject({ findingId, attempts: 0, nextAttemptAt: new Date(windowStart + 60_000).toISOString() });
    later(29_999);
    expect(await deliverDue()).toBe(0);
    later(1);
    expect(await deliverDue()).toBe(1);
    const sent = robotBodies('/slow');
    expect(sent).toHaveLength(2);
    expect(sent[1].markdown.content).toContain(`/console/findings/${findingId}`);
  });

  it('keeps to the rate over any sixty seconds, not per minute: a burst just before a minute\'s turn leaves no room just after', async () => {
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/sliding?key=k'), ratePerMinute: 2 });
    const sentAt: number[] = [];
    receiver.answer = () => (sentAt.push(now.getTime()), ROBOT_OK);
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(1);
    later(50_000);
    for (let i = 0; i < 3; i++) await flow.assignedFinding('administrative');
    // One message left in the last sixty seconds: the three go in it as a digest.
    expect(await deliverDue()).toBe(3);
    later(10_000);
    // A minute after the first message, one is free again; the second is 10 s old.
    await flow.assignedFinding('administrative');
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(2);
    await flow.assignedFinding('administrative');
    expect(await deliverDue()).toBe(0);
    const [held] = (await deliveries(endpoint.id, '&status=pending')).items;
    expect(held.nextAttemptAt).toBe(new Date(sentAt[1] + 60_000).toISOString());
    later(50_000);
    expect(await deliverDue()).toBe(1);
    // Never more than two in any sixty seconds.
    for (const at of sentAt) expect(sentAt.filter((other) => other >= at && other < at + 60_000).length).toBeLessThanOrEqual(2);
    expect(sentAt).toHaveLength(4);
  });

  it('retries every delivery of a digest when its send fails, with the backoff, until the robot takes it', async () => {
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/digest-fail?key=k'), ratePerMinute: 1 });
    await flow.assignedFinding('administrative');
    await flow.assignedFinding('administrative');
    let calls = 0;
    receiver.status = () => (++calls === 1 ? 500 : 200);
    expect(await deliverDue()).toBe(2);
    expect((await deliveries(endpoint.id, '&status=pending')).items.map((d: { attempts: number; lastError: string }) => [d.attempts, d.lastError])).toEqual([
      [1, 'answered 500'],
      [1, 'answered 500'],
    ]);
    later(60_000);
    expect(await deliverDue()).toBe(2);
    const sent = robotBodies('/digest-fail');
    expect(sent).toHaveLength(2);
    expect(sent[1].markdown.content).toBe(sent[0].markdown.content);
    expect(sent[1].markdown.content).toMatch(/^\*\*2 条通知汇总\*\*/);
    const all = (await deliveries(endpoint.id)).items;
    expect(all.map((d: { status: string; attemptLog: { statusCode: number }[] }) => [d.status, d.attemptLog.map((a) => a.statusCode)])).toEqual([
      ['delivered', [500, 200]],
      ['delivered', [500, 200]],
    ]);
  });

  it('fits a robot digest group by group: every department it marks delivered is named in it, the rest go in later minutes, none dropped', async () => {
    const endpoint = await register({ kind: 'wecom', url: receiver.url('/wide?key=k'), ratePerMinute: 1 });
    const names = new Map<string, string>();
    for (let d = 0; d < 60; d++) {
      const code = `WARD${String(d).padStart(2, '0')}`;
      names.set((await admin().post('/departments', { code, name: code, kind: 'clinical' }).expect(201)).body.id, code);
    }
    // 480 overdue notices across 60 departments, all due at once.
    const rows = [...names.keys()].flatMap((departmentId) =>
      Array.from({ length: 8 }, (_, i) => {
        const noticeId = randomUUID();
        const finding = { id: randomUUID(), roundId: randomUUID(), roundType: 'administrative', severity: 'minor', title: `抢救车药品过期未及时更换，第 ${i + 1} 项，请尽快整改`, responsibleDepartmentId: departmentId, state: 'assigned', timeliness: 'overdue', light: 'red', deadline: now.toISOString(), escalationLevel: 0 };
        return {
          id: randomUUID(), endpointId: endpoint.id, recipientId: null, noticeId, type: 'overdue' as const, findingId: finding.id, roundId: null, announcementId: null,
          body: JSON.stringify({ id: noticeId, type: 'overdue', occurredAt: now.toISOString(), event: 'DEADLINE_PASSED', finding }),
          status: 'pending' as const, attempts: 0, nextAttemptAt: new Date(now), leaseUntil: null, deliveredAt: null, lastError: null, createdAt: new Date(now),
        };
      }),
    );
    const repository = t.dataSource.getRepository(WebhookDeliveryEntity);
    for (let i = 0; i < rows.length; i += 50) await repository.insert(rows.slice(i, i + 50));
    const departmentOf = (d: WebhookDeliveryEntity) => names.get((JSON.parse(d.body) as { finding: { responsibleDepartmentId: string } }).finding.responsibleDepartmentId)!;
    const headings = (content: string) => [...content.matchAll(/^\*\*(WARD\d\d)：(\d+) 项问题「已超期」\*\*$/gm)].map(([, name, count]) => [name, Number(count)] as const);

    const counted = new Map<string, number>();
    let delivered = new Set<string>();
    for (let minute = 0; minute < 40 && delivered.size < rows.length; minute++) {
      await deliverDue();
      const sent = robotBodies('/wide');
      expect(sent).toHaveLength(minute + 1);
      const content = sent[minute].markdown.content as string;
      expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
      // Exactly what this message marked delivered is named in it, with its count.
      const nowDelivered = (await repository.findBy({ endpointId: endpoint.id, status: 'delivered' })).filter((d) => !delivered.has(d.id));
      const named = new Map<string, number>();
      for (const d of nowDelivered) named.set(departmentOf(d), (named.get(departmentOf(d)) ?? 0) + 1);
      expect(new Map(headings(content))).toEqual(named);
      for (const [name, count] of named) counted.set(name, (counted.get(name) ?? 0) + count);
      delivered = new Set([...delivered, ...nowDelivered.map((d) => d.id)]);
      if (minute === 0) expect(delivered.size).toBeLessThan(rows.length);
      later(60_000);
    }
    expect(robotBodies('/wide').length).toBeGreaterThan(5);
    expect([...counted.values()].every((count) => count === 8) && counted.size).toBe(60);
    const all = await repository.findBy({ endpointId: endpoint.id });
    expect(all).toHaveLength(480);
    // Each sent once, tried once: a delivery held back from a digest was not tried.
    expect(all.every((d) => d.status === 'delivered' && d.attempts === 1 && d.leaseUntil === null)).toBe(true);
    const tries = (await deliveries(endpoint.id)).items.map((d: { attemptLog: unknown[] }) => d.attemptLog.length);
    expect(tries.every((n: number) => n === 1)).toBe(true);
  });

  describe('mentions', () => {
    const MANDATORY = ['overdue', 'receipt_late', 'escalated', 'receipt_escalated'];
    let second: { id: string; token: string };
    const settings = (token: string, body: object) => t.http.put('/me/notification-settings').set({ Authorization: `Bearer ${token}` }).send(body).expect(200);
    const everything = (token: string) => settings(token, { channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: null });
    let ALL_TYPES: string[];
    const robots = async (events?: string[]) => {
      await register({ kind: 'wecom', url: receiver.url('/mention-wecom?key=k'), departmentId: h.departments.cardiology, ...(events && { events }) });
      await register({ kind: 'dingtalk', url: receiver.url('/mention-ding?access_token=t'), secret: DING_SECRET, departmentId: h.departments.cardiology, ...(events && { events }) });
    };
    const lastSent = () => ({ wecom: robotBodies('/mention-wecom').at(-1).markdown.content as string, ding: robotBodies('/mention-ding').at(-1) });

    beforeAll(async () => {
      ALL_TYPES = (await flow.as('cardiologyStaff').get('/me/notification-settings').expect(200)).body.channels.email;
      // Two of cardiology's staff: one known to WeCom and by mobile, the other to WeCom and DingTalk; the department's third has no contacts.
      await t.http.patch('/me/contact').set({ Authorization: `Bearer ${h.users.cardiologyStaff.token}` }).send({ wecomUserId: 'wecom-card-1', mobile: '13912345678' }).expect(200);
      const body = { username: 'card-staff-2', password: PASSWORD, displayName: 'card-staff-2', roles: ['department_staff'], departmentId: h.departments.cardiology };
      const id = (await admin().post('/users', body).expect(201)).body.id as string;
      await t.http.patch(`/users/${id}`).set({ Authorization: `Bearer ${h.users.admin.token}` }).send({ wecomUserId: 'wecom-card-2', dingtalkUserId: 'ding.card.2' }).expect(200);
      second = { id, token: await t.login('card-staff-2') };
    });

    afterAll(async () => {
      await everything(h.users.cardiologyStaff.token);
      await everything(second.token);
    });

    it('mentions the people a finding notice told who have an id on the robot\'s messenger and want its type there, outside their quiet hours', async () => {
      await robots();
      await flow.assignedFinding('administrative');
      expect(await deliverDue()).toBe(2);
      let sent = lastSent();
      expect(sent.wecom.split('\n').at(-1)!.match(/<@[^>]+>/g)!.sort()).toEqual(['<@wecom-card-1>', '<@wecom-card-2>']);
      expect(sent.ding.at).toEqual({ atUserIds: ['ding.card.2'], atMobiles: ['13912345678'], isAtAll: false });
      expect(sent.ding.markdown.text).toMatch(/@ding\.card\.2|@13912345678/);

      // The first switches assignments off on both robots' messengers: only the second is mentioned.
      await settings(h.users.cardiologyStaff.token, { channels: { email: ALL_TYPES, wecom: MANDATORY, dingtalk: MANDATORY }, quietHours: null });
      await flow.assignedFinding('administrative');
      expect(await deliverDue()).toBe(2);
      sent = lastSent();
      expect(sent.wecom).toContain('<@wecom-card-2>');
      expect(sent.wecom).not.toContain('<@wecom-card-1>');
      expect(sent.ding.at).toEqual({ atUserIds: ['ding.card.2'], atMobiles: [], isAtAll: false });

      // The second's quiet hours hold now (10:00 in Shanghai): the message still goes, mentioning no one.
      await settings(second.token, { channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: { start: '09:00', end: '11:00' } });
      const { findingId } = await flow.assignedFinding('administrative');
      expect(await deliverDue()).toBe(2);
      sent = lastSent();
      expect(sent.wecom).toContain(`/console/findings/${findingId}`);
      expect(sent.wecom).not.toContain('<@');
      expect(sent.ding.at).toEqual({ atUserIds: [], atMobiles: [], isAtAll: false });
    });

    it('mentions for a deadline passing even a person who switched the rest off; never for an integrity matter', async () => {
      // The earlier findings' deadlines pass first, before the robots listen.
      later(40 * 86_400_000);
      await t.app.get(DeadlineScheduler).runDue();
      await robots(['overdue']);
      await flow.assignedFinding('administrative');
      later(40 * 86_400_000);
      await t.app.get(DeadlineScheduler).runDue();
      expect(await deliverDue()).toBe(2);
      const sent = lastSent();
      // The first switched everything but the mandatory off; the second is in quiet hours, which hold a mention even of these.
      expect(sent.wecom).toMatch(/^\*\*已超期/);
      expect(sent.wecom.match(/<@[^>]+>/g)).toEqual(['<@wecom-card-1>']);
      expect(sent.ding.at).toEqual({ atUserIds: [], atMobiles: ['13912345678'], isAtAll: false });

      const inside = await register({ kind: 'wecom', url: receiver.url('/mention-integrity?key=k'), role: 'department_staff', departmentId: h.departments.cardiology });
      await flow.as('discipline').put(`/webhooks/${inside.id}/integrity`, { marked: true }).expect(200);
      await everything(second.token);
      await flow.assignedFinding('integrity');
      expect(await deliverDue()).toBe(1);
      const [integrity] = robotBodies('/mention-integrity');
      expect(integrity.markdown.content).toMatch(/^\*\*一项廉政事项需要关注\*\*/);
      expect(integrity.markdown.content).not.toContain('<@');
    });
  });

  describe('each person\'s own e-mail', () => {
    const ADDRESS = 'card.staff@hospital.example';
    const MANDATORY = ['overdue', 'receipt_late', 'escalated', 'receipt_escalated'];
    let ALL_TYPES: string[];
    const staff = () => h.users.cardiologyStaff;
    const settings = (body: object) => t.http.put('/me/notification-settings').set({ Authorization: `Bearer ${staff().token}` }).send(body).expect(200);
    const own = (findingId: string) => t.dataSource.getRepository(WebhookDeliveryEntity).find({ where: { findingId, recipientId: staff().id }, order: { createdAt: 'ASC' } });
    const mailsAbout = (findingId: string) => mailbox.received.filter((m) => m.text.includes(`/console/findings/${findingId}`));
    /** A finding assigned to the person's department whose e-mail the mail server refuses at each of its three tries: dead-lettered. */
    const deadEmail = async (roundType: 'administrative' | 'integrity') => {
      mailbox.refuse = true;
      const { findingId } = await flow.assignedFinding(roundType);
      for (const wait of [0, 1000, 2000]) {
        later(wait);
        await deliverDue();
      }
      return findingId;
    };

    beforeAll(async () => {
      ALL_TYPES = (await flow.as('cardiologyStaff').get('/me/notification-settings').expect(200)).body.channels.email;
      await t.http.patch('/me/contact').set({ Authorization: `Bearer ${staff().token}` }).send({ email: ADDRESS }).expect(200);
    });

    afterEach(() => settings({ channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: null }));

    it('e-mails a person with an address the notices they are told, text and HTML escaped, retried when the mail server refuses, dead-lettered at last', async () => {
      mailbox.refuse = true;
      const { findingId } = await flow.assignedFinding('administrative', { title: HOSTILE });
      expect(await deliverDue()).toBe(1);
      expect(mailbox.received).toEqual([]);
      expect((await own(findingId)).map((d) => [d.endpointId, d.status, d.attempts])).toEqual([[null, 'pending', 1]]);
      mailbox.refuse = false;
      later(1000);
      expect(await deliverDue()).toBe(1);
      const [mail] = mailbox.received;
      // Only the department's person with an address: the other has none.
      expect(mailbox.received.map((m) => m.to)).toEqual([[ADDRESS]]);
      expect(mail.subject).toBe(`已交办：${HOSTILE_MAILED}`);
      expect(mail.text).toContain(`问题：${HOSTILE_MAILED}`);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).toContain(`<a href="${PUBLIC_URL}/console/findings/${findingId}">查看问题</a>`);
      expect((await own(findingId)).map((d) => [d.status, d.attempts, d.lastError])).toEqual([['delivered', 2, null]]);

      mailbox.refuse = true;
      const refused = await flow.assignedFinding('administrative');
      for (const wait of [0, 1000, 2000]) {
        later(wait);
        expect(await deliverDue()).toBe(1);
      }
      expect((await own(refused.findingId)).map((d) => [d.status, d.attempts])).toEqual([['dead', 3]]);
    });

    it('lists people\'s e-mails to an administrator, and sends a dead letter again only while the person has an address', async () => {
      const findingId = await deadEmail('administrative');
      const [dead] = (await admin().get('/personal-emails?status=dead&limit=500').expect(200)).body.items.filter((d: { findingId: string }) => d.findingId === findingId);
      expect(dead).toMatchObject({ recipientId: staff().id, status: 'dead', attempts: 3, withheld: false, body: { type: 'assigned' } });
      expect(dead.attemptLog).toHaveLength(3);
      const { items: pending } = (await admin().get('/personal-emails?status=pending').expect(200)).body;
      expect(pending.map((d: { id: string }) => d.id)).not.toContain(dead.id);

      await t.http.patch('/me/contact').set({ Authorization: `Bearer ${staff().token}` }).send({ email: null }).expect(200);
      const refused = await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(409);
      expect(refused.body.details).toEqual({ status: 'dead', reason: 'the person has no e-mail address' });
      await t.http.patch('/me/contact').set({ Authorization: `Bearer ${staff().token}` }).send({ email: ADDRESS }).expect(200);

      mailbox.refuse = false;
      const retried = (await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(200)).body;
      expect(retried).toMatchObject({ id: dead.id, status: 'pending', attempts: 0, lastError: null });
      await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(409);
      await admin().post('/personal-emails/00000000-0000-4000-8000-000000000000/retry', {}).expect(404);
      // An endpoint's delivery is not a personal e-mail.
      const endpoint = await register({ kind: 'wecom', url: receiver.url('/not-personal?key=k') });
      await flow.assignedFinding('administrative');
      const [robotDelivery] = (await deliveries(endpoint.id)).items;
      await admin().post(`/personal-emails/${robotDelivery.id}/retry`, {}).expect(404);

      await deliverDue();
      expect(mailsAbout(findingId)).toHaveLength(1);
      const audit = (await admin().get(`/audit?entityId=${staff().id}&event=PERSONAL_EMAIL_RETRIED`).expect(200)).body.items;
      expect(audit.map((e: { entityType: string; payload: object }) => [e.entityType, e.payload])).toEqual([['user', { deliveryId: dead.id, noticeId: dead.noticeId }]]);
    });

    it('tells an integrity matter by e-mail only as needing attention, with the link', async () => {
      const title = '收受药商红包 kickbacks from a supplier';
      const description = '某医生收受某公司回扣 a named doctor';
      const { findingId } = await flow.assignedFinding('integrity', { title, description });
      expect(await deliverDue()).toBe(1);
      const [mail] = mailbox.received;
      expect(mail).toMatchObject({ to: [ADDRESS], subject: '一项廉政事项需要关注', text: `一项廉政事项需要关注\n\n\n查看问题: ${PUBLIC_URL}/console/findings/${findingId}` });
      for (const secret of [title, description, '收受', 'kickbacks', 'CARD', '廉政查房']) expect(mail.raw + mail.html + mail.text).not.toContain(secret);
      expect((await own(findingId))[0].body).not.toContain('kickbacks');
    });

    it('holds a notice made in quiet hours until they end, then sends it', async () => {
      // 10:00 in Shanghai now: quiet until 11:00.
      await settings({ channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: { start: '09:00', end: '11:00' } });
      const { findingId } = await flow.assignedFinding('administrative');
      const [held] = await own(findingId);
      const release = new Date(`${now.toISOString().slice(0, 10)}T03:00:00.000Z`);
      expect(held.nextAttemptAt.toISOString()).toBe(release.toISOString());
      expect(await deliverDue()).toBe(0);
      now = new Date(release.getTime() - 1);
      expect(await deliverDue()).toBe(0);
      expect(mailbox.received).toEqual([]);
      now = release;
      expect(await deliverDue()).toBe(1);
      expect(mailsAbout(findingId)).toHaveLength(1);
    });

    it('tries a refused e-mail again only after the person\'s quiet hours, never inside them', async () => {
      // A day on, 10:00:30 in Shanghai: the e-mail is queued outside the quiet hours chosen after it (10:01 to 11:00), and first tried at 10:01.
      const day = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
      now = new Date(`${day}T02:00:30.000Z`);
      const { findingId } = await flow.assignedFinding('administrative');
      await settings({ channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: { start: '10:01', end: '11:00' } });
      later(30_000);
      mailbox.refuse = true;
      expect(await deliverDue()).toBe(1);
      const [failed] = await own(findingId);
      // The backoff (1 s) would land inside the quiet hours: the next try waits for their end.
      expect([failed.attempts, failed.nextAttemptAt.toISOString()]).toEqual([1, `${day}T03:00:00.000Z`]);
      mailbox.refuse = false;
      later(1000);
      expect(await deliverDue()).toBe(0);
      now = failed.nextAttemptAt;
      expect(await deliverDue()).toBe(1);
      expect(mailsAbout(findingId)).toHaveLength(1);
    });

    it('sends no e-mail of a type the person switched off, but always a deadline passing', async () => {
      // The earlier findings' deadlines pass first.
      later(40 * 86_400_000);
      await t.app.get(DeadlineScheduler).runDue();
      await deliverDue();
      await settings({ channels: { email: MANDATORY, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: null });
      const { findingId } = await flow.assignedFinding('administrative');
      expect(await own(findingId)).toEqual([]);
      mailbox.received.length = 0;
      later(40 * 86_400_000);
      await t.app.get(DeadlineScheduler).runDue();
      await deliverDue();
      expect((await own(findingId)).map((d) => [d.type, d.status])).toEqual(expect.arrayContaining([['overdue', 'delivered']]));
      expect((await own(findingId)).every((d) => MANDATORY.includes(d.type))).toBe(true);
      expect(mailsAbout(findingId).map((m) => m.subject)).toContainEqual(expect.stringMatching(/^已超期：/));
    });

    it('keeps an integrity matter\'s e-mails out of the administrator\'s list altogether, and out of reach of a retry', async () => {
      const findingId = await deadEmail('integrity');
      const [dead] = await own(findingId);
      expect(dead.status).toBe('dead');
      const listed = (await admin().get('/personal-emails?limit=500').expect(200)).body;
      expect(listed.items.map((d: { findingId: string | null }) => d.findingId)).not.toContain(findingId);
      expect(listed.total).toBe(listed.items.length);
      await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(404);
    });

    it('sends a dead e-mail again only while the person still wants it, and after their quiet hours', async () => {
      const findingId = await deadEmail('administrative');
      const [dead] = await own(findingId);
      await settings({ channels: { email: MANDATORY, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: null });
      const unwanted = await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(409);
      expect(unwanted.body.details).toEqual({ status: 'dead', reason: 'the person no longer wants this notice by e-mail' });
      // 10:00 in Shanghai a day on, quiet until 11:00: sent again, it waits for their end.
      now = new Date(`${new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)}T02:00:00.000Z`);
      await settings({ channels: { email: ALL_TYPES, wecom: ALL_TYPES, dingtalk: ALL_TYPES }, quietHours: { start: '09:00', end: '11:00' } });
      const retried = (await admin().post(`/personal-emails/${dead.id}/retry`, {}).expect(200)).body;
      expect(retried).toMatchObject({ status: 'pending', recipientName: expect.any(String), nextAttemptAt: new Date(now.getTime() + 3_600_000).toISOString() });
    });
  });
});
