import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';

export const ADMIN_PASSWORD = 'first-account-secret-for-tests';
export const PASSWORD = 'password-for-tests';

/**
 * Settings every suite runs with; write limits and login slowdown have tests of their own. The
 * scheduler does not poll: suites fire timers and deliveries themselves, at the time they set.
 */
const TEST_ENVIRONMENT = {
  ADMIN_PASSWORD,
  SCHEDULER_INTERVAL_MS: '0',
  JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
  LOG_LEVEL: 'silent',
  WRITES_PER_MINUTE: '100000',
  LOGIN_SLOWDOWN_MS: '0',
};

/**
 * The real application on a fresh database: a new SQLite file, or, when TEST_DATABASE_URL names
 * PostgreSQL, that database with its public schema emptied first (see test-database.ts). `environment` overrides settings.
 */
export async function startApp(environment: Record<string, string> = {}): Promise<TestApp> {
  const given = process.env.TEST_DATABASE_URL;
  if (given && /^postgres/.test(given)) {
    const client = new Client({ connectionString: given });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
    process.env.DATABASE_URL = given;
  } else {
    process.env.DATABASE_URL = join(mkdtempSync(join(tmpdir(), 'triple-round-')), 'test.sqlite');
  }
  const settings = { ...TEST_ENVIRONMENT, ATTACHMENTS_DIR: mkdtempSync(join(tmpdir(), 'triple-round-files-')), ...environment };
  return new TestApp(await boot(settings), settings);
}

/** Starts the application with `environment` set, leaving process.env as it found it for the next suite's app. */
async function boot(environment: Record<string, string>): Promise<NestFastifyApplication> {
  const before = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    const app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export class TestApp {
  readonly http: ReturnType<typeof request>;

  constructor(
    readonly app: NestFastifyApplication,
    /** The settings it was started with, for another instance to start with. */
    readonly environment: Record<string, string>,
  ) {
    this.http = request(app.getHttpServer());
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async login(username: string, password = PASSWORD): Promise<string> {
    const response = await this.http.post('/auth/login').send({ username, password }).expect(200);
    return response.body.accessToken as string;
  }

  /** Row counts of every table, to show that a refused request wrote nothing. */
  async counts(): Promise<Record<string, number>> {
    const tables = ['departments', 'users', 'rounds', 'findings', 'audit_entries', 'idempotency_keys', 'attachments'];
    const result: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
      result[table] = Number(row.n);
    }
    return result;
  }

  /**
   * Waits until every audit entry is linked to the chain: on PostgreSQL the sealer links them
   * shortly after they commit (at once on SQLite).
   */
  async linked(): Promise<void> {
    for (const deadline = Date.now() + 10_000; ; ) {
      const [row] = await this.dataSource.query('SELECT COUNT(*) AS n FROM audit_entries WHERE seq IS NULL');
      if (Number(row.n) === 0) return;
      if (Date.now() > deadline) throw new Error(`${row.n} audit entries are still not linked`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the application and starts a new one on the same database, as a redeploy would, with `environment` changed. */
  async restart(environment: Record<string, string> = {}): Promise<TestApp> {
    await this.app.close();
    const changed = { ...this.environment, ...environment };
    return new TestApp(await boot(changed), changed);
  }

  /** A second instance of the service on the same database, as a second machine behind a load balancer would be. */
  async another(): Promise<TestApp> {
    return new TestApp(await boot(this.environment), this.environment);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
