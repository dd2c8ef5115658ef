import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AppConfig } from '../config/app-config';
import { PreparingClient } from './prepared-statements';

/**
 * One description of the database for the service and the tools; never `synchronize`. The service
 * loads each module's entities (TypeOrmModule.forFeature); a tool adds them all (`withEveryEntity`).
 * The service's own pool (`service`) bounds its transactions on PostgreSQL, so a stuck one cannot
 * hold back the audit sealer for long (audit-chain); a tool's may wait (a backup holds its
 * snapshot open while pg_dump reads it).
 */
export function dataSourceOptions(config: AppConfig, { service = false } = {}): DataSourceOptions {
  const common = { migrations: MIGRATIONS, synchronize: false, migrationsRun: false } as const;
  if (config.isPostgres) {
    return {
      ...common,
      type: 'postgres',
      url: config.DATABASE_URL,
      poolSize: config.DB_POOL_SIZE,
      extra: {
        Client: PreparingClient,
        pipeline: true,
        ...(service && { idle_in_transaction_session_timeout: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, statement_timeout: config.DB_STATEMENT_TIMEOUT_MS }),
      },
    };
  }
  const path = config.sqlitePath;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    enableWAL: true,
    timeout: 5000,
    prepareDatabase: (db: { pragma(source: string): unknown; function(name: string, body: () => string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      // Statistics for the query planner, gathered where missing or stale (see SqliteStatistics).
      db.pragma('optimize = 0x10002');
      // As PostgreSQL has it: rows inserted by INSERT … SELECT get their ids in SQL.
      db.function('gen_random_uuid', () => randomUUID());
    },
  };
}
