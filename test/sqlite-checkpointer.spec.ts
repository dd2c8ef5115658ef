import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteCheckpointer } from '../src/database/sqlite-checkpointer';
import { until } from './support/until';

/** Only a checkpoint writes pages into the database file itself; commits go to the write-ahead log. */
const databaseFileSize = (dataSource: DataSource) => statSync(dataSource.options.database as string).size;

describe('SqliteCheckpointer', () => {
  let dataSource: DataSource;
  let checkpointer: SqliteCheckpointer;

  beforeEach(async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'checkpointer-')), 'test.sqlite');
    dataSource = await new DataSource({ type: 'better-sqlite3', database, enableWAL: true }).initialize();
    await dataSource.query('CREATE TABLE entries (id INTEGER PRIMARY KEY, body TEXT)');
    checkpointer = new SqliteCheckpointer(dataSource);
    await checkpointer.onApplicationBootstrap();
  });

  afterEach(async () => {
    await checkpointer.onApplicationShutdown();
    await dataSource.destroy();
  });

  it('takes checkpoints out of the commits and copies the log from its own thread', async () => {
    expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    const before = databaseFileSize(dataSource);
    for (let i = 0; i < 200; i++) await dataSource.query('INSERT INTO entries (body) VALUES (?)', ['x'.repeat(2000)]);
    await until(() => databaseFileSize(dataSource) - before > 200 * 2000);
    // 200 rows of 2 kB reached the database file, though SQLite itself no longer checkpoints.
    expect(databaseFileSize(dataSource) - before).toBeGreaterThan(200 * 2000);
  });

  it('finds its driver when the service runs from another working directory', async () => {
    await checkpointer.onApplicationShutdown();
    const workingDirectory = process.cwd();
    process.chdir(tmpdir());
    try {
      checkpointer = new SqliteCheckpointer(dataSource);
      await checkpointer.onApplicationBootstrap();
      const before = databaseFileSize(dataSource);
      for (let i = 0; i < 50; i++) await dataSource.query('INSERT INTO entries (body) VALUES (?)', ['x'.repeat(2000)]);
      await until(() => databaseFileSize(dataSource) - before > 50 * 2000);
      expect(databaseFileSize(dataSource) - before).toBeGreaterThan(50 * 2000);
      expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    } finally {
      process.chdir(workingDirectory);
    }
  });

  it('hands checkpoints back to SQLite when its worker stops, without holding up a write', async () => {
    (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const autocheckpoint = async () => ((await dataSource.query('PRAGMA wal_autocheckpoint')) as { wal_autocheckpoint: number }[])[0].wal_autocheckpoint;
    await until(async () => (await autocheckpoint()) === 1000);
    expect(await autocheckpoint()).toBe(1000);
    await checkpointer.afterWrite();
  });
});
