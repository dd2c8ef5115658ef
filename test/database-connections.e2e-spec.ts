import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { Client, Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { Database, writeWithoutWaiting } from '../src/database/database';
import { PreparingClient } from '../src/database/prepared-statements';
import { SqliteCheckpointer } from '../src/database/sqlite-checkpointer';
import { Metrics } from '../src/metrics/metrics';
import { ADMIN_PASSWORD, TestApp, startApp } from './support/test-app';

const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';
const onPostgres = /^postgres/.test(databaseUrl);
const onPostgresIt = onPostgres ? it : it.skip;
const TABLE = 'connections_probe';

/** What passed through a proxy, in order: the client's bytes and the server's. */
type Passage = { from: 'client' | 'server'; bytes: Buffer };

/**
 * A TCP proxy to PostgreSQL that holds every answer back for `holdMs`, so a client that waits for
 * an answer before writing its next statement writes it only after the answer has passed.
 */
async function slowProxy(holdMs: number): Promise<{ url: string; passages: Passage[]; close(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const passages: Passage[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }
    client.on('data', (bytes) => {
      passages.push({ from: 'client', bytes });
      upstream.write(bytes);
    });
    upstream.on('data', (bytes) =>
      setTimeout(() => {
        passages.push({ from: 'server', bytes });
        client.write(bytes);
      }, holdMs),
    );
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    passages,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The writes the sockets to `port` make while `work` runs, each the bytes of one write to the
 * kernel (node's net.Socket funnels its writes, single or gathered, through _writeGeneric).
 */
async function writesTo(port: number, work: () => Promise<unknown>): Promise<Buffer[]> {
  const writes: Buffer[] = [];
  type Chunks = Buffer | { chunk: Buffer }[] & { allBuffers?: boolean };
  const prototype = Socket.prototype as unknown as { _writeGeneric(this: Socket, writev: boolean, data: Chunks, ...rest: unknown[]): unknown };
  const original = prototype._writeGeneric;
  const spy = jest.spyOn(prototype, '_writeGeneric').mockImplementation(function (this: Socket, writev, data, ...rest) {
    if (this.remotePort === port) writes.push(writev ? Buffer.concat((data as { chunk: Buffer }[]).map((part) => part.chunk ?? part)) : (data as Buffer));
    return original.call(this, writev, data, ...rest);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return writes;
}

/** The service's client writes a transaction's BEGIN without waiting for its answer, and keeps its own pool for the throttle counters. */
describe(`the service's PostgreSQL connections (${onPostgres ? 'PostgreSQL' : 'skipped: they need PostgreSQL; set TEST_DATABASE_URL'})`, () => {
  describe('a BEGIN written ahead of its first statement', () => {
    let pool: Pool;

    beforeAll(async () => {
      if (!onPostgres) return;
      pool = new Pool({ connectionString: databaseUrl, Client: PreparingClient, pipeline: true, max: 2 } as never);
      await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
      await pool.query(`CREATE TABLE ${TABLE} (id integer PRIMARY KEY, body jsonb)`);
    });

    afterAll(async () => {
      if (!onPostgres) return;
      await pool.query(`DROP TABLE ${TABLE}`);
      await pool.end();
    });

    const rows = async () => (await pool.query<{ id: number }>(`SELECT id FROM ${TABLE} ORDER BY id`)).rows.map((row) => row.id);

    onPostgresIt('is written with TypeORM\'s first statement, before its answer comes back', async () => {
      const proxy = await slowProxy(300);
      const dataSource = new DataSource({ type: 'postgres', url: proxy.url, poolSize: 1, extra: { Client: PreparingClient, pipeline: true } });
      try {
        await dataSource.initialize();
        await dataSource.query('SELECT 1');
        proxy.passages.length = 0;
        let answer: unknown;
        const writes = await writesTo(Number(new URL(proxy.url).port), async () => {
          answer = await dataSource.transaction((manager) => manager.query('SELECT $1::text AS marker', ['first statement']));
        });
        expect(answer).toEqual([{ marker: 'first statement' }]);
        // One write: BEGIN waits in the socket's buffer for the statement. Then COMMIT.
        expect(writes.map((bytes) => ['START TRANSACTION', 'SELECT $1::text', 'COMMIT'].filter((text) => bytes.includes(text)))).toEqual([['START TRANSACTION', 'SELECT $1::text'], ['COMMIT']]);
        const statementWritten = proxy.passages.findIndex((p) => p.from === 'client' && p.bytes.includes('SELECT $1::text AS marker'));
        // The command tag PostgreSQL answers START TRANSACTION with.
        const beginAnswered = proxy.passages.findIndex((p) => p.from === 'server' && p.bytes.includes('START TRANSACTION\0'));
        expect(statementWritten).toBeGreaterThanOrEqual(0);
        expect(beginAnswered).toBeGreaterThan(statementWritten);
      } finally {
        if (dataSource.isInitialized) await dataSource.destroy();
        await proxy.close();
      }
    });

    onPostgresIt('runs what follows it inside the transaction, committed or rolled back with it', async () => {
      const client = await pool.connect();
      try {
        expect((await client.query('START TRANSACTION')).command).toBe('BEGIN');
        // SET LOCAL holds only inside a transaction block; outside one it is ignored with a warning.
        await client.query(`SET LOCAL statement_timeout = 4321`);
        expect((await client.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('4321ms');
        await client.query('COMMIT');
        expect((await client.query('SHOW statement_timeout')).rows[0].statement_timeout).not.toBe('4321ms');

        await client.query('START TRANSACTION');
        await client.query(`INSERT INTO ${TABLE} (id) VALUES ($1)`, [1]);
        await client.query('ROLLBACK');
        await client.query('START TRANSACTION', []);
        await client.query(`INSERT INTO ${TABLE} (id) VALUES ($1)`, [2]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      expect(await rows()).toEqual([2]);
    });

    onPostgresIt('fails the statement after it when that one fails, and the transaction rolls back; an empty one commits', async () => {
      const client = await pool.connect();
      try {
        await client.query('START TRANSACTION');
        await expect(client.query(`INSERT INTO ${TABLE} (id) VALUES ($1)`, [2])).rejects.toThrow(/duplicate key/);
        await expect(client.query(`INSERT INTO ${TABLE} (id) VALUES ($1)`, [3])).rejects.toThrow(/current transaction is aborted/);
        await client.query('ROLLBACK');
        await client.query('START TRANSACTION');
        await client.query('COMMIT');
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        client.release();
      }
      expect(await rows()).toEqual([2]);
    });

    onPostgresIt('still runs a statement whose values once could not be sent', async () => {
      const client = await pool.connect();
      const insert = `INSERT INTO ${TABLE} (id, body) VALUES ($1, $2)`;
      try {
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expect(client.query(insert, [4, circular])).rejects.toThrow(/circular/i);
        await client.query(insert, [5, JSON.stringify({ fine: true })]);
      } finally {
        client.release();
      }
      expect(await rows()).toEqual([2, 5]);
    });
  });

  describe('a statement written with COMMIT', () => {
    const WITH_COMMIT_TABLE = 'with_commit_probe';
    let proxy: Awaited<ReturnType<typeof slowProxy>>;
    let dataSource: DataSource;
    let db: Database;

    beforeAll(async () => {
      if (!onPostgres) return;
      proxy = await slowProxy(100);
      dataSource = await new DataSource({ type: 'postgres', url: proxy.url, poolSize: 1, extra: { Client: PreparingClient, pipeline: true } }).initialize();
      await dataSource.query(`DROP TABLE IF EXISTS ${WITH_COMMIT_TABLE}`);
      await dataSource.query(`CREATE TABLE ${WITH_COMMIT_TABLE} (id integer PRIMARY KEY)`);
      db = new Database(dataSource, new SqliteCheckpointer(dataSource), new Metrics());
      // As the audit chain's hook does: the unit of work's last statement, written with its COMMIT.
      db.register({ beforeCommit: (manager, _request, result) => writeWithoutWaiting(manager, `INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`, [result]) }, { last: true });
    });

    afterAll(async () => {
      if (!onPostgres) return;
      await dataSource.query(`DROP TABLE ${WITH_COMMIT_TABLE}`);
      await dataSource.destroy();
      await proxy.close();
    });

    const ids = async () => (await dataSource.query(`SELECT id FROM ${WITH_COMMIT_TABLE} ORDER BY id`)).map((row: { id: number }) => row.id);

    onPostgresIt('goes down the wire with COMMIT, before its own answer comes back, and is kept with the rest', async () => {
      proxy.passages.length = 0;
      const writes = await writesTo(Number(new URL(proxy.url).port), () =>
        db.write(null, async (manager) => {
          await manager.query(`INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`, [1]);
          return 2;
        }),
      );
      const written = (text: string) => proxy.passages.findIndex((p) => p.from === 'client' && p.bytes.includes(text));
      const answered = (tag: string) => proxy.passages.map((p, i) => (p.from === 'server' && p.bytes.includes(tag) ? i : -1)).filter((i) => i >= 0);
      // The second INSERT's answer (the last "INSERT 0 1" tag) comes back after COMMIT was written.
      expect(written('COMMIT')).toBeGreaterThanOrEqual(0);
      expect(answered('INSERT 0 1\0').at(-1)).toBeGreaterThan(written('COMMIT'));
      // Two writes: BEGIN with the first INSERT; the second INSERT (its prepared statement, by name), held in the socket's buffer, with COMMIT.
      const statement = `s_${createHash('sha1').update(`INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`).digest('hex')}`;
      expect(writes.map((bytes) => ['START TRANSACTION', statement, 'COMMIT'].filter((text) => bytes.includes(text)))).toEqual([
        ['START TRANSACTION', statement],
        [statement, 'COMMIT'],
      ]);
      expect(await ids()).toEqual([1, 2]);
    });

    onPostgresIt('is sent when the work fails after it, and rolls back with the rest', async () => {
      const insert = `INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`;
      await expect(
        db.write(null, async (manager) => {
          await writeWithoutWaiting(manager, insert, [3]);
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await ids()).toEqual([1, 2]);
    });

    onPostgresIt('fails the unit of work when it fails, and nothing of the unit is kept', async () => {
      await expect(
        db.write(null, async (manager) => {
          await manager.query(`INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`, [3]);
          return 2;
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await ids()).toEqual([1, 2]);
      // The connection is ready for the next unit of work.
      await db.write(null, async () => 4);
      expect(await ids()).toEqual([1, 2, 4]);
    });

    onPostgresIt('fails the unit with its own error, not the "transaction is aborted" of the statements after it', async () => {
      const insert = `INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`;
      await expect(
        db.write(null, async (manager) => {
          await writeWithoutWaiting(manager, insert, [1]);
          await manager.query(insert, [5]);
          return 6;
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await ids()).toEqual([1, 2, 4]);
    });

    onPostgresIt('fails as a QueryFailedError, so a deadlock it meets is retried like any other', async () => {
      await dataSource.query('DROP TABLE IF EXISTS deadlock_probe');
      await dataSource.query('CREATE TABLE deadlock_probe (id integer PRIMARY KEY, n integer NOT NULL)');
      await dataSource.query('INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)');
      const other = new Client({ connectionString: databaseUrl });
      await other.connect();
      const bump = (id: number) => `UPDATE deadlock_probe SET n = n + 1 WHERE id = ${id}`;
      let attempts = 0;
      let otherDone: Promise<unknown> = Promise.resolve();
      try {
        await db.write(null, async (manager) => {
          attempts++;
          if (attempts === 1) {
            await other.query('BEGIN');
            await other.query(bump(2));
          }
          await manager.query(bump(1));
          // Waits for the other session's row 2, which then waits for this unit's row 1.
          await writeWithoutWaiting(manager, bump(2), []);
          // Once this unit waits (so that its wait is the older, and PostgreSQL ends it, not the other).
          if (attempts === 1) otherDone = new Promise((resolve) => setTimeout(resolve, 300)).then(() => other.query(bump(1))).then(() => other.query('COMMIT'));
          return 60;
        });
        await otherDone;
      } finally {
        await other.end();
      }
      expect(attempts).toBe(2);
      expect(await dataSource.query('SELECT id, n FROM deadlock_probe ORDER BY id')).toEqual([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);
      await dataSource.query('DROP TABLE deadlock_probe');
      expect(await ids()).toContain(60);
    });

    onPostgresIt('is awaited at once outside a unit of work of Database.write, its failure thrown there', async () => {
      const insert = `INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`;
      await expect(dataSource.transaction((manager) => writeWithoutWaiting(manager, insert, [1]))).rejects.toBeInstanceOf(QueryFailedError);
    });

    onPostgresIt('fails only the part of a unit it was written in, which rolls back while the rest commits', async () => {
      const insert = `INSERT INTO ${WITH_COMMIT_TABLE} (id) VALUES ($1)`;
      const refused: unknown[] = [];
      await db.write(null, async (manager) => {
        await manager.query(insert, [7]);
        await db.part(manager, () => writeWithoutWaiting(manager, insert, [8])).catch((error: unknown) => refused.push(error));
        await db.part(manager, () => writeWithoutWaiting(manager, insert, [1])).catch((error: unknown) => refused.push(error));
        await db.part(manager, async () => {
          await writeWithoutWaiting(manager, insert, [9]);
          await writeWithoutWaiting(manager, insert, [2]);
          await manager.query(insert, [10]);
        }).catch((error: unknown) => refused.push(error));
        return 11;
      });
      expect(refused.map((error) => String(error))).toEqual([expect.stringMatching(/duplicate key/), expect.stringMatching(/duplicate key/)]);
      expect(await ids()).toEqual([1, 2, 4, 7, 8, 11, 60]);
    });
  });

  describe('the throttle counters', () => {
    let t: TestApp;

    beforeAll(async () => {
      if (onPostgres) t = await startApp();
    });

    afterAll(async () => {
      await t?.close();
    });

    onPostgresIt('outlive a connection the server ends, and commit without waiting for the disk', async () => {
      await t.login('admin', ADMIN_PASSWORD);
      const admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const counters = "SELECT pid FROM pg_stat_activity WHERE application_name = 'triple-round counters' AND datname = current_database()";
        const { rows: before } = await admin.query(counters);
        expect(before.length).toBeGreaterThan(0);
        const { rows: settings } = await admin.query(`SELECT setting FROM pg_settings WHERE name = 'synchronous_commit'`);
        expect(settings[0].setting).toBe('on');
        await admin.query(`SELECT pg_terminate_backend(pid) FROM (${counters}) AS counters`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // The process is still here, and the throttle counts on a new connection.
        await t.login('admin', ADMIN_PASSWORD);
        const { rows: after } = await admin.query(counters);
        expect(after.length).toBeGreaterThan(0);
        expect(after.map((row) => row.pid)).not.toEqual(before.map((row) => row.pid));
        const own = new Client({ connectionString: databaseUrl, application_name: 'probe' });
        await own.connect();
        await own.end();
      } finally {
        await admin.end();
      }
    });
  });
});
