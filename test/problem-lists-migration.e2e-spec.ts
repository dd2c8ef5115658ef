import { MIGRATIONS } from '../migrations';
import { ProblemLists1733500000000 } from '../migrations/1733500000000-problem-lists';
import { Flow } from './support/flow';
import { seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`the migration to problem lists (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(() => t.close());

  it('keeps every finding its round, and its indexes, down and up again', async () => {
    const h = await seedHospital(t);
    const flow = new Flow(t, h);
    const { roundId, findingId } = await flow.assignedFinding('administrative');
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
    await flow.submitEvidence('cardiologyStaff', findingId, 'n');
    await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
    const roundOf = async () => (await t.dataSource.query(`SELECT "roundId" FROM "findings" WHERE "id" = '${findingId}'`))[0];
    const indexes = async () => (await t.dataSource.createQueryRunner().getTable('findings'))!.indices.filter((index) => index.columnNames.includes('roundId')).length;
    const indexesBefore = await indexes();
    expect(indexesBefore).toBeGreaterThan(0);

    // Every migration from this one on, undone newest first, then done again (the audit sealer's only once every entry is linked).
    await t.linked();
    const from = MIGRATIONS.indexOf(ProblemLists1733500000000);
    const runner = t.dataSource.createQueryRunner();
    try {
      // As the migration runner does on SQLite: a table rebuilt for a changed column would break its references meanwhile.
      if (!onPostgres) await runner.query('PRAGMA foreign_keys = OFF');
      for (const Migration of MIGRATIONS.slice(from).reverse()) await new Migration().down(runner);
      expect(await roundOf()).toEqual({ roundId });
      for (const Migration of MIGRATIONS.slice(from)) await new Migration().up(runner);
      if (!onPostgres) await runner.query('PRAGMA foreign_keys = ON');
    } finally {
      await runner.release();
    }
    expect(await roundOf()).toEqual({ roundId });
    expect(await indexes()).toBe(indexesBefore);
    // The closure made before is in the history the months count from.
    const [closures] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM "finding_closures" WHERE "findingId" = '${findingId}'`);
    expect(Number(closures.n)).toBe(1);
  });
});
