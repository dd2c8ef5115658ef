import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IRateLimiterOptions, RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The table migration RateLimits1733690000000 makes; every limiter keeps its counters there, under its key prefix. */
const TABLE = 'rate_limits';

/**
 * Makes the service's rate limiters: the one place that says where their counters are kept. On
 * PostgreSQL they are in the database, so every instance counts the same failed logins and writes,
 * over the pool TypeORM already holds; each limiter purges counters expired an hour ago every five
 * minutes (rate-limiter-flexible's clearExpiredByTimeout). On SQLite there is one process, and its
 * memory is enough.
 */
@Injectable()
export class RateLimiters {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(options: Required<Pick<IRateLimiterOptions, 'keyPrefix' | 'points' | 'duration'>>): RateLimiterAbstract {
    if (this.dataSource.options.type !== 'postgres') return new RateLimiterMemory(options);
    return new RateLimiterPostgres({
      ...options,
      storeClient: (this.dataSource.driver as PostgresDriver).master,
      storeType: 'pool',
      tableName: TABLE,
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  }
}
