import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { IRateLimiterOptions, RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';

/** The table migration RateLimits1733690000000 makes; every limiter keeps its counters there, under its key prefix. */
const TABLE = 'rate_limits';

/** Connections for the counters: one request at a time takes one for a single statement. */
const COUNTER_CONNECTIONS = 4;

/**
 * Makes the service's rate limiters: the one place that says where their counters are kept. On
 * PostgreSQL they are in the database, so every instance counts the same failed logins and writes;
 * each limiter purges counters expired an hour ago every five minutes (rate-limiter-flexible's
 * clearExpiredByTimeout). On SQLite there is one process, and its memory is enough.
 *
 * The counters have a small pool of their own whose commits do not wait for the log to reach the
 * disk (synchronous_commit off): every write of one person updates the same row, and waiting for
 * the disk while holding its lock would queue that person's requests one behind another. A crash
 * may forget the last moment's counts, which a limit can afford; it cannot leave them inconsistent.
 */
@Injectable()
export class RateLimiters implements OnApplicationShutdown {
  private pool?: Pool;

  constructor(private readonly config: AppConfig) {}

  create(options: Required<Pick<IRateLimiterOptions, 'keyPrefix' | 'points' | 'duration'>>): RateLimiterAbstract {
    if (!this.config.isPostgres) return new RateLimiterMemory(options);
    this.pool ??= new Pool({ connectionString: this.config.DATABASE_URL, max: COUNTER_CONNECTIONS, options: '-c synchronous_commit=off' });
    return new RateLimiterPostgres({
      ...options,
      storeClient: this.pool,
      storeType: 'pool',
      tableName: TABLE,
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }
}
