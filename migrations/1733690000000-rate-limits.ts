import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The login throttle's and the write limit's counters on PostgreSQL, where several instances share
 * them: the table rate-limiter-flexible's RateLimiterPostgres reads and upserts (key, points,
 * expire in epoch milliseconds), made here so the service never creates tables itself. `expire` is
 * indexed for the purge of expired counters. On SQLite (one process) the counters stay in memory.
 */
export class RateLimits1733690000000 implements MigrationInterface {
  name = 'RateLimits1733690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`CREATE TABLE "rate_limits" ("key" varchar(255) PRIMARY KEY, "points" integer NOT NULL DEFAULT 0, "expire" bigint)`);
    await queryRunner.query(`CREATE INDEX "IDX_rate_limits_expire" ON "rate_limits" ("expire")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
