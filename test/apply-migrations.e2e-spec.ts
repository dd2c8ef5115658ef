import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { freshDatabase } from '../bench/service';
import { AppConfig } from '../src/config/app-config';
import { applyMigrations } from '../src/database/apply-migrations';
import { dataSourceOptions } from '../src/database/data-source-options';
import { withEveryEntity } from '../src/every-entity';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
/** The lock applyMigrations takes (PostgreSQL). */
const MIGRATION_LOCK = 0x6d696772;

/** The service's data source on an empty database, with these settings. */
async function serviceDataSource(settings: Record<string, string>): Promise<DataSource> {
  const config = AppConfig.fromEnvironment({ ...process.env, ...settings });
  return new DataSource(withEveryEntity(dataSourceOptions(config, { service: true }))).initialize();
}

describe(`applying migrations at start (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let scratch: string;
  let databaseUrl: string;

  beforeEach(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'triple-round-migrations-'));
    databaseUrl = onPostgres ? (await freshDatabase()).databaseUrl : join(scratch, 'db.sqlite');
  });

  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('applies every migration once, and finds none pending the second time', async () => {
    const dataSource = await serviceDataSource({ DATABASE_URL: databaseUrl });
    try {
      await applyMigrations(dataSource);
      await applyMigrations(dataSource);
      const applied: { name: string }[] = await dataSource.query('SELECT "name" FROM "migrations" ORDER BY "timestamp"');
      expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    } finally {
      await dataSource.destroy();
    }
  });

  (onPostgres ? it : it.skip)(
    "waits for another process's migrations on a pool of one connection, unbounded by the service's statement limit",
    async () => {
      const other = new Client({ connectionString: databaseUrl });
      await other.connect();
      await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      // The other process holds the lock longer than the service lets a statement run.
      const released = new Promise<void>((resolve) => setTimeout(() => void other.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).then(() => resolve()), 1500));
      const dataSource = await serviceDataSource({ DATABASE_URL: databaseUrl, DB_POOL_SIZE: '1', DB_STATEMENT_TIMEOUT_MS: '500' });
      try {
        await applyMigrations(dataSource);
        await released;
        expect(Number((await dataSource.query('SELECT COUNT(*) AS "n" FROM "migrations"'))[0].n)).toBe(MIGRATIONS.length);
        // The connection went back to the pool with the service's limit.
        expect((await dataSource.query('SHOW statement_timeout'))[0].statement_timeout).toBe('500ms');
      } finally {
        await dataSource.destroy();
        await other.end();
      }
    },
  );
});
