import type { DataSource } from 'typeorm';

/** Held while one process applies migrations (PostgreSQL): "migr". */
const MIGRATION_LOCK = 0x6d696772;

/**
 * Applies the pending migrations. On PostgreSQL under a session advisory lock: instances or workers
 * starting together take turns, the first applies them and the others find none pending. SQLite
 * has one process.
 */
export async function applyMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations();
    return;
  }
  const session = dataSource.createQueryRunner();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations();
  } finally {
    // Ending the session would release the lock too; unlocking first keeps the pooled connection clean.
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await session.release();
  }
}
