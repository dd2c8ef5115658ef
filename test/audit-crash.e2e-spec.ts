import { Client } from 'pg';
import { PASSWORD, RunningService, onPostgres, seedHospital, startService, startedRound } from '../bench/service';

/**
 * The built service killed (SIGKILL) while transitions are being written, and started again: every
 * transition it acknowledged is stored with its audit entry, and the entries committed but not yet
 * linked when it died are linked by the sealer of the service started again. PostgreSQL only: on
 * SQLite entries are linked in their own transaction.
 */
(onPostgres ? describe : describe.skip)('the audit chain across a crash (PostgreSQL)', () => {
  let first: RunningService;
  let second: RunningService | undefined;

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  const unlinked = async (databaseUrl: string) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT COUNT(*) AS n FROM audit_entries WHERE seq IS NULL');
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  };

  it('keeps every acknowledged transition, and links every entry once started again', async () => {
    first = await startService(20);
    const hospital = await seedHospital(first.api);
    const roundId = await startedRound(first.api, hospital);
    const acknowledged: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 20 }, async (_, writer) => {
      for (let i = 0; writing; i++) {
        try {
          const finding = await first.api.expectOk('POST', `/rounds/${roundId}/findings`, hospital.inspector.token, {
            roundType: 'administrative', title: `Written by ${writer}, ${i}`, description: 'under load', severity: 'minor', responsibleDepartmentId: hospital.ward,
          });
          acknowledged.push(finding.id as string);
        } catch {
          return; // The service is gone: this one was never acknowledged.
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    first.process.kill('SIGKILL');
    writing = false;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(20);

    second = await startService(5, { DATABASE_URL: first.databaseUrl, ATTACHMENTS_DIR: first.attachmentsDir });
    // Signing in writes an entry of its own, linked moments after it commits like any other: before the wait.
    const token = (await second.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken as string;
    const started = Date.now();
    while ((await unlinked(first.databaseUrl)) > 0) {
      expect(Date.now() - started).toBeLessThan(5000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const client = new Client({ connectionString: first.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT "entityId" FROM audit_entries WHERE event = 'LOG_FINDING' AND "entityId" = ANY($1)`, [acknowledged]);
      expect(new Set(rows.map((row) => row.entityId as string))).toEqual(new Set(acknowledged));
    } finally {
      await client.end();
    }
    expect(await second.api.expectOk('GET', '/audit/verify', token)).toMatchObject({ ok: true, unlinked: 0 });
  }, 120_000);
});
