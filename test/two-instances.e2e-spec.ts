import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, PASSWORD, RunningService, freshDatabase, seedHospital, startService } from '../bench/service';
import { MIGRATIONS } from '../migrations';
import { pngWith } from './support/files';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/**
 * Both instances: the scheduler runs often, a major finding (15 days) is due soon as soon as it is
 * assigned, and three failed logins in a row lock a username out.
 */
const ENVIRONMENT = { SCHEDULER_INTERVAL_MS: '200', DUE_SOON_DAYS: '30', LOGIN_MAX_FAILURES: '3' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Today in the hospital's time zone (Asia/Shanghai, UTC+8 all year). */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

// Several instances share one PostgreSQL; two processes on one SQLite file is not a supported setup.
(onPostgres ? describe : describe.skip)(
  onPostgres ? 'two instances on one PostgreSQL database and one attachment directory' : 'two instances (skipped: they need PostgreSQL; set TEST_DATABASE_URL)',
  () => {
    let attachmentsDir: string;
    let first: RunningService;
    let second: RunningService;
    let database: Client;
    let h: Awaited<ReturnType<typeof seedHospital>>;
    /** The instances taken in turn, each request on the other one than the last. */
    let turn = 0;
    const next = (): Api => (turn++ % 2 === 0 ? first.api : second.api);

    const count = async (sql: string, ...values: unknown[]) => Number((await database.query<{ n: string }>(sql, values)).rows[0].n);
    const login = (api: Api, username: string, password: string) => api.call('POST', '/auth/login', null, { username, password });
    const send = (findingId: string, token: string, event: object) => next().expectOk('POST', `/findings/${findingId}/events`, token, event);

    beforeAll(async () => {
      // Both start at the same moment on an empty database: one applies the migrations and creates the
      // first account, the other waits for the migrations and finds the account there.
      const { databaseUrl } = await freshDatabase();
      attachmentsDir = mkdtempSync(join(tmpdir(), 'triple-round-two-instances-'));
      const shared = { ...ENVIRONMENT, DATABASE_URL: databaseUrl, ATTACHMENTS_DIR: attachmentsDir };
      const started = await Promise.allSettled([startService(2, shared), startService(2, shared)]);
      [first, second] = started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined!));
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      database = new Client({ connectionString: first.databaseUrl });
      await database.connect();
      h = await seedHospital(first.api);
    }, 120_000);

    afterAll(async () => {
      await database?.end();
      await second?.stop();
      await first?.stop();
      if (attachmentsDir) rmSync(attachmentsDir, { recursive: true, force: true });
    });

    it('applied each migration once though both started together', async () => {
      expect(await count('SELECT COUNT(*) AS n FROM migrations')).toBe(MIGRATIONS.length);
      expect(await count('SELECT COUNT(DISTINCT name) AS n FROM migrations')).toBe(MIGRATIONS.length);
      expect(await count(`SELECT COUNT(*) AS n FROM users WHERE username = 'admin'`)).toBe(1);
    });

    it('holds a lockout earned on one instance on the other, counting failures on both', async () => {
      expect((await login(first.api, 'inspector', 'wrong-password')).status).toBe(401);
      expect((await login(second.api, 'inspector', 'wrong-password')).status).toBe(401);
      expect((await login(first.api, 'inspector', 'wrong-password')).status).toBe(401);
      for (const api of [second.api, first.api]) {
        const locked = await login(api, 'inspector', PASSWORD);
        expect(locked.status).toBe(429);
      }
      // Counted in the database, under the limiter's prefix.
      expect(await count(`SELECT COUNT(*) AS n FROM rate_limits WHERE key LIKE 'login_fail_username_at_address:% inspector'`)).toBe(1);
      // Another username from the same address is not locked out.
      expect((await login(second.api, 'staff', PASSWORD)).status).toBe(200);
    });

    it('drives a finding through its whole life on both instances in turn; a retry replays, the deadline fires once, the chain verifies', async () => {
      const round = await next().expectOk('POST', '/rounds', h.lead.token, {
        types: ['administrative'], departmentId: h.ward, scheduledFor: today(), leadId: h.lead.id, teamMemberIds: [h.inspector.id],
      });
      await next().expectOk('POST', `/rounds/${round.id}/events`, h.lead.token, { type: 'START' });
      const { parts } = await next().expectOk('GET', `/rounds/${round.id}/results`, h.lead.token);
      for (const code of parts[0].missingItems as string[]) await next().expectOk('PUT', `/rounds/${round.id}/results/${code}`, h.inspector.token, { result: 'pass' });

      // Logged on one instance; the retry, sent to the other, is answered as the first was and logs nothing more.
      const finding = { roundType: 'administrative', title: 'Expired drugs in the crash cart', description: 'Two ampoules past their date', severity: 'major', responsibleDepartmentId: h.ward };
      const key = { 'idempotency-key': `two-instances-${round.id}` };
      const logged = await first.api.call('POST', `/rounds/${round.id}/findings`, h.inspector.token, finding, key);
      const retried = await second.api.call('POST', `/rounds/${round.id}/findings`, h.inspector.token, finding, key);
      expect(logged.status).toBe(201);
      expect(retried).toEqual(logged);
      const findingId = logged.json.id as string;
      expect(await count(`SELECT COUNT(*) AS n FROM findings WHERE "roundId" = $1`, round.id)).toBe(1);
      expect(await count(`SELECT COUNT(*) AS n FROM audit_entries WHERE event = 'LOG_FINDING' AND "entityId" = $1`, findingId)).toBe(1);

      await next().expectOk('POST', `/rounds/${round.id}/events`, h.lead.token, { type: 'SUBMIT' });
      // Due soon at once: whichever scheduler claims the timer first fires it.
      const dueSoon = () => count(`SELECT COUNT(*) AS n FROM audit_entries WHERE event = 'DUE_SOON' AND "entityId" = $1`, findingId);
      for (let waited = 0; (await dueSoon()) === 0 && waited < 10_000; waited += 100) await sleep(100);
      const assigned = await next().expectOk('GET', `/findings/${findingId}`, h.staff.token);
      expect(assigned.state).toBe('assigned');
      await send(findingId, h.staff.token, { type: 'SUBMIT_PLAN', measures: 'Weekly checks by the head nurse', committedDate: (assigned.deadline as string).slice(0, 10) });

      // The photo goes to one instance, the evidence naming it to the other, which serves it from the shared directory.
      const photo = await pngWith(round.id);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png');
      const uploaded = await fetch(`${first.api.origin}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${h.staff.token}` }, body: form });
      expect(uploaded.status).toBe(201);
      const attachment = (await uploaded.json()) as { id: string };
      await second.api.expectOk('POST', `/findings/${findingId}/events`, h.staff.token, { type: 'SUBMIT_EVIDENCE', note: 'Checklist photographed', attachmentIds: [attachment.id] });
      const served = await fetch(`${second.api.origin}/attachments/${attachment.id}`, { headers: { authorization: `Bearer ${h.verifier.token}` } });
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);

      await send(findingId, h.verifier.token, { type: 'VERIFY_REJECT', reason: 'The photo is unreadable' });
      await send(findingId, h.staff.token, { type: 'SUBMIT_EVIDENCE', note: 'Clear photo attached', attachmentIds: [attachment.id] });
      const closed = await send(findingId, h.verifier.token, { type: 'VERIFY_ACCEPT', note: 'Verified on the ward' });
      expect(closed.state).toBe('closed');

      // Both schedulers have run many times since the finding was assigned: its due-soon timer fired once, and told its department once.
      await sleep(1_000);
      expect(await dueSoon()).toBe(1);
      expect(await count(`SELECT COUNT(*) AS n FROM notifications WHERE type = 'due_soon' AND "findingId" = $1`, findingId)).toBe(1);

      for (const api of [first.api, second.api]) {
        const verified = await api.expectOk('GET', '/audit/verify', (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken);
        expect(verified).toMatchObject({ ok: true });
      }
    });
  },
);
