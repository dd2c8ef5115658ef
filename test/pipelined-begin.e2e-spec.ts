import { Pool } from 'pg';
import { PreparingClient } from '../src/database/prepared-statements';

const databaseUrl = process.env.DATABASE_URL ?? '';
const onPostgres = /^postgres/.test(databaseUrl);
const onPostgresIt = onPostgres ? it : it.skip;

/**
 * The service's client writes a transaction's BEGIN without waiting for its answer (PreparingClient):
 * what follows must still run inside that transaction, and commit or roll back with it.
 */
describe(`a BEGIN written ahead of its first statement (${onPostgres ? 'PostgreSQL' : 'skipped: needs PostgreSQL'})`, () => {
  let pool: Pool;
  const table = 'pipelined_begin_probe';

  beforeAll(async () => {
    if (!onPostgres) return;
    pool = new Pool({ connectionString: databaseUrl, Client: PreparingClient, pipeline: true, max: 2 } as never);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY)`);
    await pool.query(`TRUNCATE ${table}`);
  });

  afterAll(async () => {
    if (!onPostgres) return;
    await pool.query(`DROP TABLE ${table}`);
    await pool.end();
  });

  const rows = async () => (await pool.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).rows.map((row) => row.id);

  onPostgresIt('answers BEGIN at once and runs the next statement inside the transaction', async () => {
    const client = await pool.connect();
    try {
      expect((await client.query('START TRANSACTION')).command).toBe('BEGIN');
      // SET LOCAL holds only inside a transaction block; outside one it is ignored with a warning.
      await client.query(`SET LOCAL statement_timeout = 4321`);
      expect((await client.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('4321ms');
      await client.query('COMMIT');
      expect((await client.query('SHOW statement_timeout')).rows[0].statement_timeout).not.toBe('4321ms');
    } finally {
      client.release();
    }
  });

  onPostgresIt('rolls back what followed it, a parameterised statement included', async () => {
    const client = await pool.connect();
    try {
      await client.query('START TRANSACTION');
      await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [1]);
      await client.query('ROLLBACK');
      await client.query('START TRANSACTION');
      await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [2]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await rows()).toEqual([2]);
  });

  onPostgresIt('fails the statement after it alone when that statement fails, and the transaction rolls back', async () => {
    const client = await pool.connect();
    try {
      await client.query('START TRANSACTION');
      await expect(client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [2])).rejects.toThrow(/duplicate key/);
      await expect(client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [3])).rejects.toThrow(/current transaction is aborted/);
      await client.query('ROLLBACK');
      // An empty transaction: BEGIN with nothing after it but COMMIT.
      await client.query('START TRANSACTION');
      await client.query('COMMIT');
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
    expect(await rows()).toEqual([2]);
  });
});
