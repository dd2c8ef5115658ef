import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AuditSealer1733700000000 } from '../migrations/1733700000000-audit-sealer';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const onPostgresIt = onPostgres ? it : it.skip;
/** The sealer's lock (src/audit/audit-chain.ts). */
const SEALER_LOCK = 0x61756474;
/** A writer left idle in its transaction is ended after this long (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
const IDLE_TIMEOUT_MS = 1500;
const METRICS_TOKEN = 'a-metrics-token-for-tests-0123';

interface StoredEntry {
  id: string | number;
  seq: number | null;
  hash: string | null;
}

describe(`linking audit entries to the chain (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    t = await startApp({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_TIMEOUT_MS), METRICS_TOKEN });
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  const verify = async () => (await flow.as('discipline').get('/audit/verify').expect(200)).body;
  const entriesOf = (findingId: string): Promise<StoredEntry[]> =>
    t.dataSource.query(`SELECT "id", "seq", "hash" FROM "audit_entries" WHERE "entityId" = '${findingId}' ORDER BY "id"`);
  /** A connection of its own, outside the service's pool, as another program's would be. */
  const connect = async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  };
  /** Two transitions, leaving the finding as it was: disputed, and upheld. */
  const dispute = async (findingId: string, reason: string) => {
    await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason });
    await flow.send('lead', findingId, { type: 'UPHOLD' });
  };

  it(onPostgres ? 'writes entries unlinked, with their transaction, and links them after COMMIT' : 'links entries as they are written', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    const written = await entriesOf(findingId);
    expect(written).toHaveLength(2);
    if (!onPostgres) expect(written.every((entry) => entry.seq !== null && entry.hash !== null)).toBe(true);
    await t.linked();
    const linked = await entriesOf(findingId);
    expect(linked[0].seq).toBeLessThan(linked[1].seq!);
    expect(linked.map((entry) => entry.hash)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0 });
  });

  onPostgresIt('reports an entry not linked yet as such in verification, the trail and the case file, and breaks nothing', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    await t.linked();
    const before = await verify();
    // Another instance holding the sealer's lock: this one skips its turns.
    const other = await connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [SEALER_LOCK]);
      await dispute(findingId, 'waiting to be linked');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await verify()).toEqual({ ...before, unlinked: 2 });
      const trail = await flow.as('discipline').get(`/findings/${findingId}/audit`).expect(200);
      expect(trail.body.items.map((entry: { event: string; seq: number | null }) => [entry.event, entry.seq === null])).toEqual([
        ['LOG_FINDING', false],
        ['ASSIGN', false],
        ['DISPUTE', true],
        ['UPHOLD', true],
      ]);
      const file = await flow.as('discipline').get(`/findings/${findingId}/case-file`).expect(200);
      expect(file.body.intact).toBe(true);
      expect(file.body.entries.map((entry: { hash: string | null; linked: boolean }) => [entry.hash === null, entry.linked])).toEqual([
        [false, true],
        [false, true],
        [true, false],
        [true, false],
      ]);
      const metrics = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      // The two transitions' entries, and those of the reads that recorded who read what.
      expect(metrics.text).toMatch(/^audit_entries_unlinked [3-9]$/m);
    } finally {
      await other.end();
    }
    await t.linked();
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0 });
  });

  onPostgresIt('links entries while a long read-only snapshot is held open, as pg_dump holds one', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    const reader = await connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await reader.query('SELECT COUNT(*) FROM "audit_entries"');
      const dump = promisify(execFile)('pg_dump', ['--format=custom', `--file=${join(mkdtempSync(join(tmpdir(), 'audit-sealer-')), 'dump')}`, process.env.DATABASE_URL!]);
      for (let i = 0; i < 5; i++) await dispute(findingId, `while a snapshot is held ${i}`);
      const answered = Date.now();
      await t.linked();
      expect(Date.now() - answered).toBeLessThan(1000);
      await dump;
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0 });
  });

  onPostgresIt('waits for an older writing transaction, and no longer than the idle limit of the service’s pool', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    await t.linked();
    // A writer of the service's own pool, stuck in its transaction after taking its transaction id.
    const stuck = t.dataSource.createQueryRunner();
    await stuck.startTransaction();
    await stuck.query('SELECT pg_current_xact_id()');
    await dispute(findingId, 'after a stuck writer');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // It might still insert an entry that would belong before this one: the sealer waits for it.
    expect((await entriesOf(findingId)).at(-1)!.seq).toBeNull();
    const started = Date.now();
    await t.linked();
    expect(Date.now() - started).toBeLessThan(IDLE_TIMEOUT_MS + 1000);
    await expect(stuck.query('SELECT 1')).rejects.toThrow();
    await stuck.release().catch(() => undefined);
  });

  it('keeps the entries append-only: on PostgreSQL only their linking, once, is let through', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    await t.linked();
    const [linked] = await entriesOf(findingId);
    const refused = [
      `UPDATE "audit_entries" SET "seq" = NULL, "hash" = NULL WHERE "id" = ${linked.id}`,
      `UPDATE "audit_entries" SET "seq" = "seq" + 1000000 WHERE "id" = ${linked.id}`,
      `DELETE FROM "audit_entries" WHERE "id" = ${linked.id}`,
    ];
    for (const sql of refused) await expect(t.dataSource.query(sql)).rejects.toThrow(/audit entries are append-only/);
    if (!onPostgres) return;
    const other = await connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [SEALER_LOCK]);
      await dispute(findingId, 'to be linked by hand');
      const unlinked = (await entriesOf(findingId)).at(-1)!;
      expect(unlinked.seq).toBeNull();
      const sealing = `SET "seq" = 1000000, "hash" = '${'a'.repeat(64)}'`;
      for (const sql of [
        `UPDATE "audit_entries" ${sealing}, "event" = 'VERIFY_ACCEPT' WHERE "id" = ${unlinked.id}`,
        `UPDATE "audit_entries" SET "seq" = 1000000 WHERE "id" = ${unlinked.id}`,
        `UPDATE "audit_entries" SET "xid" = 1 WHERE "id" = ${unlinked.id}`,
        `DELETE FROM "audit_entries" WHERE "id" = ${unlinked.id}`,
      ]) {
        await expect(other.query(sql)).rejects.toThrow(/audit entries are append-only/);
      }
      // A link must be a number from 1 and a hash: no entry can be put outside the chain's numbering, where verification reads.
      await expect(other.query(`UPDATE "audit_entries" SET "seq" = -1, "hash" = '${'a'.repeat(64)}' WHERE "id" = ${unlinked.id}`)).rejects.toThrow(/CHK_audit_entries_seq/);
      await expect(other.query(`UPDATE "audit_entries" SET "seq" = 1000000, "hash" = 'x' WHERE "id" = ${unlinked.id}`)).rejects.toThrow(/CHK_audit_entries_hash/);
      // Linking it, and only that, goes through once; linking it again does not (rolled back: the sealer links it for real).
      await other.query('BEGIN');
      await other.query(`UPDATE "audit_entries" ${sealing} WHERE "id" = ${unlinked.id}`);
      await expect(other.query(`UPDATE "audit_entries" SET "seq" = 1000001, "hash" = '${'b'.repeat(64)}' WHERE "id" = ${unlinked.id}`)).rejects.toThrow(
        /audit entries are append-only/,
      );
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    await t.linked();
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0 });
  });

  it('refuses an entry the chain could never link, so none can hold the sealer up', async () => {
    const columns = `"at", "actorRole", "entityType", "event", "payload", "requestId"`;
    const values = `CURRENT_TIMESTAMP, 'admin', 'user', 'UNLINKABLE', '{}', 'unlinkable'`;
    const refused = [
      // A hash without a number, or a number without a hash.
      `INSERT INTO "audit_entries" (${columns}, "hash") VALUES (${values}, '${'a'.repeat(64)}')`,
      `INSERT INTO "audit_entries" (${columns}, "seq") VALUES (${values}, 1000000)`,
      // A number outside the chain's.
      `INSERT INTO "audit_entries" (${columns}, "seq", "hash") VALUES (${values}, 0, '${'a'.repeat(64)}')`,
      // Unlinked, and with no transaction for the sealer to go by.
      ...(onPostgres ? [`INSERT INTO "audit_entries" (${columns}, "xid") VALUES (${values}, NULL)`] : []),
    ];
    for (const sql of refused) await expect(t.dataSource.query(sql)).rejects.toThrow(/CHK_audit_entries|CHECK constraint failed/);
    const { findingId } = await flow.assignedFinding('administrative');
    await t.linked();
    expect((await entriesOf(findingId)).every((entry) => entry.seq !== null)).toBe(true);
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0 });
  });

  it('converts an existing chain: every entry keeps its number and hash, and new ones link after them', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    await dispute(findingId, 'before the migration');
    await t.linked();
    const all = () => t.dataSource.query(`SELECT "id", "seq", "hash", "event", "payload" FROM "audit_entries" ORDER BY "seq"`);
    const before = await all();
    const runner = t.dataSource.createQueryRunner();
    try {
      await new AuditSealer1733700000000().down(runner);
      const unconverted = await runner.query(`SELECT "seq", "hash" FROM "audit_entries" ORDER BY "seq"`);
      expect(unconverted).toEqual(before.map(({ seq, hash }: StoredEntry) => ({ seq, hash })));
      await new AuditSealer1733700000000().up(runner);
    } finally {
      await runner.release();
    }
    const after = await all();
    // Every entry keeps its content, number and hash; its key becomes its number again.
    const withoutKey = (entries: StoredEntry[]) => entries.map(({ id: _key, ...entry }) => entry);
    expect(withoutKey(after)).toEqual(withoutKey(before));
    expect(after.every((entry: StoredEntry) => Number(entry.id) === entry.seq)).toBe(true);
    await dispute(findingId, 'after the migration');
    await t.linked();
    const head = after.at(-1);
    const added = await t.dataSource.query(`SELECT "id", "seq" FROM "audit_entries" WHERE "id" > ${head.id} ORDER BY "seq"`);
    expect(added.map((entry: StoredEntry) => entry.seq)).toEqual([head.seq + 1, head.seq + 2]);
    expect(await verify()).toMatchObject({ ok: true, unlinked: 0, headSeq: head.seq + 2 });
  });
});
