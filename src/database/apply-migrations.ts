import { DataSource, MigrationExecutor } from 'typeorm';

/** Held while one process applies migrations (PostgreSQL): "migr". */
const MIGRATION_LOCK = 0x6d696772;

/**
 * Applies the pending migrations. On PostgreSQL under a session advisory lock: instances or workers
 * starting together take turns, the first applies them and the others find none pending. The lock
 * and the migrations share one connection, so a pool of one is enough, and that connection drops the
 * service's transaction bounds meanwhile: a migration, or the wait for another's, may take its time.
 * SQLite has one process.
 */
export async function applyMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations();
    return;
  }
  const session = dataSource.createQueryRunner();
  try {
    await session.query('SET statement_timeout = 0');
    await session.query('SET idle_in_transaction_session_timeout = 0');
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await new MigrationExecutor(dataSource, session).executePendingMigrations();
  } finally {
    // Ending the session would release the lock too; the pooled connection goes back as the service has it.
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    for (const setting of ['statement_timeout', 'idle_in_transaction_session_timeout']) await session.query(`RESET ${setting}`).catch(() => undefined);
    await session.release();
  }
}
