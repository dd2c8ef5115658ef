import { Injectable } from '@nestjs/common';
import { ApplicationTask, hourlyWhileScheduling } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from './database';

/**
 * SQLite chooses indexes from statistics it gathers only when asked; without them a department's
 * dashboard reads through the department index row by row instead of a covering one. The
 * connection gathers them when it opens, and this refreshes them hourly for tables that have grown
 * since, as SQLite advises for long-lived connections. PostgreSQL's autovacuum does this itself.
 */
@Injectable()
export class SqliteStatistics extends ApplicationTask {
  constructor(db: Database, config: AppConfig) {
    super(db, SqliteStatistics.name, config.isPostgres ? 0 : hourlyWhileScheduling(config), () => db.write(null, (manager) => manager.query('PRAGMA optimize')));
  }
}
