import { DataSource, EntityManager } from 'typeorm';
import { Database } from '../src/database/database';
import { SqliteCheckpointer } from '../src/database/sqlite-checkpointer';
import { Metrics } from '../src/metrics/metrics';

/** Writes sent in one event-loop turn on SQLite: committed together, each succeeding or failing alone. */
describe('Database writes on SQLite', () => {
  let dataSource: DataSource;
  let db: Database;
  let commits: number;
  let commitFails: Error | null;
  const failed: unknown[] = [];

  const insert = (manager: EntityManager, body: string) => manager.query('INSERT INTO entries (body) VALUES (?)', [body]);
  const bodies = async () => (await dataSource.query('SELECT body FROM entries ORDER BY id')).map((row: { body: string }) => row.body);

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE entries (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    db = new Database(dataSource, new SqliteCheckpointer(dataSource), new Metrics());
    failed.length = 0;
    db.register({ afterFailure: async (error) => void failed.push(error) });
    // better-sqlite3 has one connection, so one query runner, which every unit of work uses.
    const queryRunner = dataSource.createQueryRunner();
    const query = queryRunner.query.bind(queryRunner);
    commits = 0;
    jest.spyOn(queryRunner, 'query').mockImplementation(async (sql: string, ...rest: unknown[]) => {
      if (sql === 'COMMIT') {
        commits++;
        if (commitFails) throw commitFails;
      }
      return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
    });
    commitFails = null;
  });

  afterEach(() => dataSource.destroy());

  it('commits the writes sent together once, and a write that throws leaves nothing while the others stand', async () => {
    const refusal = new Error('refused');
    const outcomes = await Promise.allSettled([
      db.write(null, async (manager) => (await insert(manager, 'first'), 1)),
      db.write(null, async (manager) => {
        await insert(manager, 'refused');
        throw refusal;
      }),
      // A later write of the group sees what an earlier one wrote.
      db.write(null, async (manager) => (await insert(manager, 'third'), (await manager.query('SELECT COUNT(*) AS n FROM entries'))[0].n)),
    ]);

    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: refusal },
      { status: 'fulfilled', value: 2 },
    ]);
    expect(await bodies()).toEqual(['first', 'third']);
    expect(commits).toBe(1);
    expect(failed).toEqual([refusal]);
  });

  it('fails every write of the group when its commit fails', async () => {
    commitFails = new Error('disk full');
    const outcomes = await Promise.allSettled([db.write(null, (manager) => insert(manager, 'a')), db.write(null, (manager) => insert(manager, 'b'))]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: commitFails },
      { status: 'rejected', reason: commitFails },
    ]);
    expect(failed).toEqual([commitFails, commitFails]);
    commitFails = null;
    expect(await bodies()).toEqual([]);
  });

  it('commits a write sent alone in a transaction of its own', async () => {
    await db.write(null, (manager) => insert(manager, 'alone'));
    await db.write(null, (manager) => insert(manager, 'next'));
    expect(await bodies()).toEqual(['alone', 'next']);
    expect(commits).toBe(2);
  });

  describe('when SQLite itself rolls the whole transaction back (SQLITE_FULL)', () => {
    const large = Buffer.alloc(1_000_000);
    const runnerState = () => {
      const runner = dataSource.createQueryRunner() as unknown as { isTransactionActive: boolean; transactionDepth: number };
      return { active: runner.isTransactionActive, depth: runner.transactionDepth };
    };

    beforeEach(async () => {
      const [{ page_count: pages }] = await dataSource.query('PRAGMA page_count');
      // The file may grow a few pages only: a large write meets SQLITE_FULL, a small one does not.
      await dataSource.query(`PRAGMA max_page_count = ${Number(pages) + 20}`);
    });

    it('fails the writes before the one that met it, and runs those after it in the next turn', async () => {
      const outcomes = await Promise.allSettled([
        db.write(null, (manager) => insert(manager, 'before')),
        db.write(null, (manager) => manager.query('INSERT INTO entries (body) VALUES (?)', [large])),
        db.write(null, (manager) => insert(manager, 'after')),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
      expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/full/);
      expect(await bodies()).toEqual(['after']);
      expect(failed).toHaveLength(2);
      expect(runnerState()).toEqual({ active: false, depth: 0 });
    });

    it('leaves the connection able to open a transaction of its own after a lone write met it', async () => {
      await expect(db.write(null, (manager) => manager.query('INSERT INTO entries (body) VALUES (?)', [large]))).rejects.toThrow(/full/);
      expect(runnerState()).toEqual({ active: false, depth: 0 });
      await db.write(null, (manager) => insert(manager, 'next'));
      expect(await bodies()).toEqual(['next']);
    });
  });
});
