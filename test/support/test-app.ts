import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const PASSWORD = 'password-for-tests';

/**
 * The real application on a fresh database: a new SQLite file, or, when DATABASE_URL names
 * PostgreSQL, that database with its public schema emptied first.
 */
export async function startApp(): Promise<TestApp> {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given && /^postgres/.test(given)) {
    const client = new Client({ connectionString: given });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
    process.env.DATABASE_URL = given;
  } else {
    process.env.DATABASE_URL = join(mkdtempSync(join(tmpdir(), 'triple-round-')), 'test.sqlite');
  }
  Object.assign(process.env, { ADMIN_PASSWORD, JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789', LOG_LEVEL: 'silent' });
  const app = await createApp();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return new TestApp(app);
}

export class TestApp {
  readonly http: ReturnType<typeof request>;

  constructor(readonly app: NestFastifyApplication) {
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
    const tables = ['departments', 'users', 'rounds', 'findings', 'audit_entries', 'idempotency_keys'];
    const result: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
      result[table] = Number(row.n);
    }
    return result;
  }

  /** Stops the application and starts a new one on the same database, as a redeploy would. */
  async restart(): Promise<TestApp> {
    await this.app.close();
    const app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new TestApp(app);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
