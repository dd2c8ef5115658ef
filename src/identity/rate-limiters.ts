import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { IRateLimiterOptions, RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';

/** The table migration RateLimits1733690000000 makes; every limiter keeps its counters there, under its key prefix. */
const TABLE = 'rate_limits';

/** Connections for the counters: a request takes one for a single statement. */
const COUNTER_CONNECTIONS = 4;
/** How long a request waits for one of them before it fails, as for the service's own pool. */
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Makes the service's rate limiters: the one place that says where their counters are kept. On
 * PostgreSQL they are in the database, so every instance counts the same failed logins and writes;
 * each limiter purges counters expired an hour ago every five minutes (rate-limiter-flexible's
 * clearExpiredByTimeout). On SQLite there is one process, and its memory is enough.
 *
 * The counters have a small pool of their own whose commits do not wait for the log to reach the
 * disk (synchronous_commit off): every write of one person updates the same row, and waiting for
 * the disk while holding its lock would queue that person's requests one behind another. A crash
 * of the database may forget its last moment's counts (a fraction of a second), never mix them up;
 * the next commit that waits for the disk, a failed login's audit entry say, secures them all.
 */
@Injectable()
export class RateLimiters implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiters.name);
  private pool?: Pool;

  constructor(private readonly config: AppConfig) {}

  create(options: Required<Pick<IRateLimiterOptions, 'keyPrefix' | 'points' | 'duration'>>): RateLimiterAbstract {
    if (!this.config.isPostgres) return new RateLimiterMemory(options);
    return new RateLimiterPostgres({
      ...options,
      storeClient: this.counters(),
      storeType: 'pool',
      tableName: TABLE,
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }

  private counters(): Pool {
    if (this.pool) return this.pool;
    this.pool = new Pool({
      connectionString: this.config.DATABASE_URL,
      max: COUNTER_CONNECTIONS,
      connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
      application_name: 'triple-round counters',
      // The SET below and the first count go out one behind the other, without waiting.
      pipeline: true,
      ...(this.config.DB_STATEMENT_TIMEOUT_MS > 0 && { statement_timeout: this.config.DB_STATEMENT_TIMEOUT_MS }),
    });
    // Set on each new connection rather than in its options, which a DATABASE_URL's own `options` would replace.
    this.pool.on('connect', (client) => void client.query('SET synchronous_commit = off').catch(() => undefined));
    // An idle connection the server ends (a restart, an operator) is dropped from the pool; unheard, its error would end the process.
    this.pool.on('error', (error) => this.logger.warn(`A counters connection failed: ${error.message}`));
    return this.pool;
  }
}
