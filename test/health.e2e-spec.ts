import { GracefulShutdown } from '../src/health/graceful-shutdown';
import { HealthController } from '../src/health/health.controller';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`health (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let closed = false;

  beforeAll(async () => {
    t = await startApp();
  });

  afterAll(() => (closed ? undefined : t.close()));

  it('answers live and ready while the service serves; /health as before', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: onPostgres ? 'postgres' : 'sqlite' });
  });

  it('is not ready while a migration this build carries is not applied', async () => {
    const [latest] = await t.dataSource.query('SELECT id, timestamp, name FROM migrations ORDER BY timestamp DESC LIMIT 1');
    const [one, two, three] = onPostgres ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    await t.dataSource.query(`DELETE FROM migrations WHERE id = ${one}`, [latest.id]);
    try {
      const response = await t.http.get('/health/ready').expect(503);
      expect(response.body.message).toBe('Migrations are pending');
      await t.http.get('/health/live').expect(200);
    } finally {
      await t.dataSource.query(`INSERT INTO migrations (id, timestamp, name) VALUES (${one}, ${two}, ${three})`, [latest.id, latest.timestamp, latest.name]);
    }
    await t.http.get('/health/ready').expect(200);
  });

  it('is not ready from the moment the service starts shutting down', async () => {
    const closing = t.app.get(GracefulShutdown).close(t.app);
    closed = true;
    await expect(t.app.get(HealthController).ready()).rejects.toMatchObject({ status: 503, message: 'The service is shutting down' });
    await closing;
  });
});
