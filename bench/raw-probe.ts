/**
 * The machine's own limit for one transition, measured in the same run as the benchmark so that a
 * busy or slow machine lowers both alike: `transitions/s ÷ raw_per_s` is the figure to compare.
 *
 * One transition, done bare, is three parts in turn:
 *   - a unit of work: read the finding, update it if its version is unchanged, append an audit entry
 *     linked to the previous one's hash, in one transaction (better-sqlite3 in WAL mode; or `pg`
 *     with 20 clients, linking under one advisory lock held through COMMIT, as the service did
 *     when this probe was written: a fixed measuring stick, which a better design may beat);
 *   - the finding machine restored from its stored snapshot, sent one event, persisted as JSON;
 *   - a Fastify JSON POST answered to 50 concurrent connections, server in its own process.
 * Doing all three in turn gives 1 / (1/a + 1/b + 1/c) per second.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool as PgPool } from 'pg';
import { Pool as HttpPool } from 'undici';
import { createActor } from 'xstate';
import { findingMachine, type Actor, type FindingEvent, type FindingInput } from '../workflows';

/** How long each part runs, in seconds. */
const PART_SECONDS = 2;
const FINDINGS = 1000;
const PG_CLIENTS = 20;
const HTTP_CONNECTIONS = 50;
/** The key of the advisory lock the audit chain is linked under. */
const CHAIN_LOCK = 7_300_001;

export interface RawLimit {
  unitOfWorkPerSecond: number;
  machinePerSecond: number;
  httpPerSecond: number;
  perSecond: number;
}

/** Doing each part in turn. */
export function combined(parts: Omit<RawLimit, 'perSecond'>): RawLimit {
  const perSecond = 1 / (1 / parts.unitOfWorkPerSecond + 1 / parts.machinePerSecond + 1 / parts.httpPerSecond);
  return { ...parts, perSecond };
}

/** Each part at its best over several rounds: noise only slows a part down. */
export function best(rounds: RawLimit[]): RawLimit {
  return combined({
    unitOfWorkPerSecond: Math.max(...rounds.map((round) => round.unitOfWorkPerSecond)),
    machinePerSecond: Math.max(...rounds.map((round) => round.machinePerSecond)),
    httpPerSecond: Math.max(...rounds.map((round) => round.httpPerSecond)),
  });
}

export async function measureRawLimit(postgresUrl: string | null): Promise<RawLimit> {
  const { stored, event } = findingAndEvent();
  return combined({
    unitOfWorkPerSecond: postgresUrl ? await postgresUnitsOfWork(postgresUrl, stored) : sqliteUnitsOfWork(stored),
    machinePerSecond: machineSteps(stored, event),
    httpPerSecond: await fastifyPosts(),
  });
}

/** An assigned finding's persisted snapshot, and the plan its department sends. */
function findingAndEvent() {
  const at = '2026-11-23T02:00:00.000Z';
  const clock = { at, today: '2026-11-23', timeZone: 'Asia/Shanghai' };
  const lead: Actor = { id: 'lead', roles: ['round_lead'], departmentId: null, leadOfficeFor: [] };
  const staff: Actor = { id: 'staff', roles: ['department_staff'], departmentId: 'ward', leadOfficeFor: [] };
  const input: FindingInput = {
    roundId: 'round', source: 'round', roundType: 'administrative', severity: 'minor',
    lead: { kind: 'round_lead', userId: lead.id }, responsibleDepartmentId: 'ward', responsiblePersonId: null,
    defaultDeadlineDays: 15, receiptDays: 2, followUpDays: null, extensionLimit: 2, evidenceRequired: 0, photos: [],
  };
  const actor = createActor(findingMachine, { input }).start();
  actor.send({ type: 'ASSIGN', actor: lead, ...clock });
  const stored = JSON.stringify(actor.getPersistedSnapshot());
  actor.stop();
  const event: FindingEvent = { type: 'SUBMIT_PLAN', actor: staff, ...clock, measures: 'Weekly checks by the head nurse', committedDate: '2026-12-01' };
  return { stored, event };
}

/** Runs `step` back to back for PART_SECONDS; steps per second. */
function repeatedly(step: (i: number) => void): number {
  const started = performance.now();
  const until = started + PART_SECONDS * 1000;
  let done = 0;
  while (performance.now() < until) step(done++);
  return done / ((performance.now() - started) / 1000);
}

/** Runs `step` on `lanes` concurrent lanes for PART_SECONDS; steps per second. */
async function concurrently(lanes: number, step: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  const until = started + PART_SECONDS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < until) await step(next++);
    }),
  );
  return next / ((performance.now() - started) / 1000);
}

/** better-sqlite3 as the probe uses it: the package ships no types. */
interface SqliteStatement<Row> {
  get(...values: unknown[]): Row | undefined;
  run(...values: unknown[]): { changes: number };
}
interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(sql: string): void;
  prepare<Row = unknown>(sql: string): SqliteStatement<Row>;
  transaction<Args extends unknown[]>(work: (...args: Args) => void): (...args: Args) => void;
  close(): void;
}
const openSqlite = (path: string): SqliteDatabase => {
  const Database = require('better-sqlite3') as new (path: string) => SqliteDatabase;
  return new Database(path);
};

const chained = (previous: string, payload: string) => createHash('sha256').update(previous).update(payload).digest('hex');
const findingId = (i: number) => `finding-${i % FINDINGS}`;

function sqliteUnitsOfWork(snapshot: string): number {
  const scratch = mkdtempSync(join(tmpdir(), 'triple-round-raw-probe-'));
  const db = openSqlite(join(scratch, 'probe.sqlite'));
  try {
    // As the service opens its database (src/database/data-source-options.ts).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE finding (id TEXT PRIMARY KEY, version INTEGER NOT NULL, snapshot TEXT NOT NULL);
             CREATE TABLE audit_entry (seq INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL, prev_hash TEXT NOT NULL, payload TEXT NOT NULL)`);
    const insertFinding = db.prepare('INSERT INTO finding (id, version, snapshot) VALUES (?, 1, ?)');
    db.transaction(() => {
      for (let i = 0; i < FINDINGS; i++) insertFinding.run(findingId(i), snapshot);
    })();
    const read = db.prepare<{ version: number; snapshot: string }>('SELECT version, snapshot FROM finding WHERE id = ?');
    const update = db.prepare('UPDATE finding SET version = version + 1, snapshot = ? WHERE id = ? AND version = ?');
    const head = db.prepare<{ hash: string }>('SELECT hash FROM audit_entry ORDER BY seq DESC LIMIT 1');
    const append = db.prepare('INSERT INTO audit_entry (hash, prev_hash, payload) VALUES (?, ?, ?)');
    const unitOfWork = db.transaction((id: string) => {
      const row = read.get(id)!;
      if (update.run(row.snapshot, id, row.version).changes !== 1) throw new Error('The probe lost an update');
      const previous = head.get()?.hash ?? '';
      const payload = JSON.stringify({ findingId: id, version: row.version + 1, type: 'SUBMIT_PLAN' });
      append.run(chained(previous, payload), previous, payload);
    });
    return repeatedly((i) => unitOfWork(findingId(i)));
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function postgresUnitsOfWork(databaseUrl: string, snapshot: string): Promise<number> {
  const schema = `raw_probe_${process.pid}`;
  const pool = new PgPool({ connectionString: databaseUrl, max: PG_CLIENTS });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.finding (id text PRIMARY KEY, version integer NOT NULL, snapshot text NOT NULL);
      CREATE TABLE ${schema}.audit_entry (seq bigserial PRIMARY KEY, hash text NOT NULL, prev_hash text NOT NULL, payload text NOT NULL)`);
    await pool.query(`INSERT INTO ${schema}.finding (id, version, snapshot) SELECT 'finding-' || i, 1, $1 FROM generate_series(0, ${FINDINGS - 1}) AS i`, [snapshot]);
    return await concurrently(PG_CLIENTS, async (i) => {
      const id = findingId(i);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query({ name: 'probe-read', text: `SELECT version, snapshot FROM ${schema}.finding WHERE id = $1`, values: [id] });
        const updated = await client.query({
          name: 'probe-update',
          text: `UPDATE ${schema}.finding SET version = version + 1, snapshot = $1 WHERE id = $2 AND version = $3`,
          values: [rows[0].snapshot, id, rows[0].version],
        });
        if (updated.rowCount !== 1) throw new Error('The probe lost an update');
        // Linked under one lock, held through COMMIT: the next link waits for this one to be durable.
        await client.query({ name: 'probe-lock', text: 'SELECT pg_advisory_xact_lock($1)', values: [CHAIN_LOCK] });
        const head = await client.query({ name: 'probe-head', text: `SELECT hash FROM ${schema}.audit_entry ORDER BY seq DESC LIMIT 1` });
        const previous: string = head.rows[0]?.hash ?? '';
        const payload = JSON.stringify({ findingId: id, version: rows[0].version + 1, type: 'SUBMIT_PLAN' });
        await client.query({
          name: 'probe-append',
          text: `INSERT INTO ${schema}.audit_entry (hash, prev_hash, payload) VALUES ($1, $2, $3)`,
          values: [chained(previous, payload), previous, payload],
        });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    });
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
}

function machineSteps(stored: string, event: FindingEvent): number {
  const step = () => {
    // The input is only read to make an initial state, which a restored snapshot skips.
    const actor = createActor(findingMachine, { snapshot: JSON.parse(stored), input: undefined as never }).start();
    actor.send(event);
    const persisted = JSON.stringify(actor.getPersistedSnapshot());
    actor.stop();
    return persisted;
  };
  if (step() === stored) throw new Error(`The probe's ${event.type} left the finding as it was`);
  return repeatedly(step);
}

/** A Fastify server in a process of its own (as the service is), answering a small JSON POST. */
async function fastifyPosts(): Promise<number> {
  const server = fork(__filename, [SERVE], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('message', (message) => resolve(message as number));
      server.once('exit', () => reject(new Error('The probe server did not start')));
    });
    const pool = new HttpPool(`http://127.0.0.1:${port}`, { connections: HTTP_CONNECTIONS, pipelining: 1 });
    try {
      const body = JSON.stringify({ type: 'SUBMIT_PLAN', measures: 'Weekly checks by the head nurse', committedDate: '2026-12-01' });
      return await concurrently(HTTP_CONNECTIONS, async (i) => {
        const response = await pool.request({ method: 'POST', path: `/findings/${findingId(i)}/events`, headers: { 'content-type': 'application/json' }, body });
        const answer = await response.body.json();
        if (response.statusCode !== 200 || !answer) throw new Error(`The probe server answered ${response.statusCode}`);
      });
    } finally {
      await pool.close();
    }
  } finally {
    stop(server);
    await exited;
  }
}

function stop(server: ChildProcess): void {
  if (server.exitCode === null) server.kill();
}

const SERVE = 'serve-fastify';

async function serveFastify(): Promise<void> {
  // Fastify comes with @nestjs/platform-fastify.
  const { default: fastify } = await import('fastify');
  const app = fastify({ logger: false });
  app.post<{ Params: { id: string }; Body: { type: string } }>('/findings/:id/events', async (request) => ({
    id: request.params.id,
    version: 2,
    state: 'acknowledged',
    event: request.body.type,
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.send!(typeof address === 'object' && address ? address.port : 0);
  // Gone with the benchmark that started it, however that ends.
  process.once('disconnect', () => process.exit(0));
}

if (require.main === module && process.argv[2] === SERVE) {
  serveFastify().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
