import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { RunningService, onPostgres, seedHospital, serviceProcesses, startService, startedRound } from '../bench/service';
import { AnnouncementScheduler } from '../src/announcements/announcement-scheduler';
import { AppConfig } from '../src/config/app-config';
import { Database } from '../src/database/database';
import { TestApp, startApp } from './support/test-app';
import { until } from './support/until';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/any';
const METRICS_TOKEN = 'a-metrics-token-for-tests-0123';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every sample of `name` in a Prometheus text: its labels as written, and its value. */
function samples(text: string, name: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((row) => row.startsWith(`${name}{`) || row.startsWith(`${name} `))
    .map((row) => ({ labels: row.slice(name.length, row.lastIndexOf(' ')), value: Number(row.slice(row.lastIndexOf(' ') + 1)) }));
}

const sample = (text: string, name: string, labels = ''): number => samples(text, name).find((s) => s.labels === labels)?.value ?? 0;

describe('WORKERS', () => {
  it('is one process per core on PostgreSQL and one on SQLite unless set; more than one is refused on SQLite', () => {
    expect(AppConfig.fromEnvironment({ DATABASE_URL: POSTGRES_URL }).workers).toBe(availableParallelism());
    expect(AppConfig.fromEnvironment({ DATABASE_URL: POSTGRES_URL, WORKERS: '3' }).workers).toBe(3);
    expect(AppConfig.fromEnvironment({ DATABASE_URL: POSTGRES_URL, WORKERS: '1' }).workers).toBe(1);
    expect(AppConfig.fromEnvironment({ DATABASE_URL: './data/x.sqlite' }).workers).toBe(1);
    expect(AppConfig.fromEnvironment({ DATABASE_URL: './data/x.sqlite', WORKERS: 'auto' }).workers).toBe(1);
    expect(() => AppConfig.fromEnvironment({ DATABASE_URL: './data/x.sqlite', WORKERS: '2' })).toThrow(/WORKERS: must be 1 \(or auto\) on SQLite, not 2/);
    for (const wrong of ['0', '-1', 'all', '1.5']) {
      expect(() => AppConfig.fromEnvironment({ DATABASE_URL: POSTGRES_URL, WORKERS: wrong })).toThrow(/WORKERS must be auto or a number of processes/);
    }
  });

  it('stops the built service with status 1 and the reason alone when refused', () => {
    const started = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'src', 'main.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: './data/refused.sqlite', WORKERS: '2', PORT: 'abc' },
      encoding: 'utf8',
    });
    expect(started.status).toBe(1);
    expect(started.stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      expect.stringMatching(/^  PORT: /),
    ]);
  });
});

describe(`Database.exclusively (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });

  afterAll(() => t.close());

  it('skips work of a name this process is running already, and runs it again once that has ended', async () => {
    const db = t.app.get(Database);
    let inner: boolean | undefined;
    expect(await db.exclusively('a task', async () => (inner = await db.exclusively('a task', async () => undefined)))).toBe(true);
    expect(inner).toBe(false);
    expect(await db.exclusively('a task', async () => undefined)).toBe(true);
  });
});

// Several processes share one PostgreSQL; SQLite is served by one process.
(onPostgres ? describe : describe.skip)('periodic tasks of two instances on one PostgreSQL database', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startApp({ SCHEDULER_INTERVAL_MS: '10' });
    second = await first.another();
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('never runs work of one name in both at once; the other instance skips it and runs it later', async () => {
    const [a, b] = [first, second].map((t) => t.app.get(Database));
    let release!: () => void;
    const held = a.exclusively('housekeeping', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(100);
    expect(await b.exclusively('housekeeping', async () => undefined)).toBe(false);
    // Another name is not held up.
    expect(await b.exclusively('another task', async () => undefined)).toBe(true);
    release();
    expect(await held).toBe(true);
    expect(await b.exclusively('housekeeping', async () => undefined)).toBe(true);
  });

  it("runs each scheduler in one instance at a time, taking turns: no two runs overlap", async () => {
    // Each run of the announcement scheduler takes 30 ms; both instances try every 10 ms after their last.
    const runs: { instance: number; start: number; end: number }[] = [];
    for (const [instance, t] of [first, second].entries()) {
      jest.spyOn(t.app.get(AnnouncementScheduler), 'deliverDue').mockImplementation(async () => {
        const start = performance.now();
        await sleep(30);
        runs.push({ instance, start, end: performance.now() });
        return 0;
      });
    }
    await sleep(2_000);
    runs.sort((x, y) => x.start - y.start);
    const overlapping = runs.filter((run, i) => i > 0 && run.start < runs[i - 1].end);
    expect(overlapping).toEqual([]);
    expect(runs.length).toBeGreaterThan(20);
    expect(new Set(runs.map((run) => run.instance)).size).toBe(2);
  });
});

/**
 * The built service with WORKERS=2: a primary and two workers on one port. The scheduler runs often,
 * and a major finding (15 days) is due soon as soon as it is assigned.
 */
(onPostgres ? describe : describe.skip)('WORKERS=2 on PostgreSQL: the built service', () => {
  let service: RunningService;
  let database: Client;

  const scrape = async () => {
    const response = await fetch(`${service.api.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  };
  const workers = () => serviceProcesses(service).slice(1);
  /**
   * Twenty requests, each on a connection of its own, which the primary hands to the listening
   * workers in turn (a kept-alive connection stays with the worker that took it).
   */
  const severalAtOnce = async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.api.call('GET', '/health', null, undefined, { connection: 'close' })));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  };
  const answeredBy = (text: string) => samples(text, 'worker_requests_total').map((s) => Number(/pid="(\d+)"/.exec(s.labels)![1]));
  const count = async (sql: string, ...values: unknown[]) => Number((await database.query<{ n: string }>(sql, values)).rows[0].n);

  beforeAll(async () => {
    service = await startService(4, { WORKERS: '2', METRICS_TOKEN, SCHEDULER_INTERVAL_MS: '50', DUE_SOON_DAYS: '30' });
    database = new Client({ connectionString: service.databaseUrl });
    await database.connect();
  }, 120_000);

  afterAll(async () => {
    await database?.end();
    await service?.stop();
  });

  it('serves the port from both workers and answers /metrics for both: counters summed, figures of the database read once', async () => {
    // The second worker starts once the first listens, and serves its share once it listens too.
    await until(() => workers().length === 2);
    const pids = workers();
    await until(async () => {
      await severalAtOnce();
      return answeredBy(await scrape()).length === 2;
    });
    expect(answeredBy(await scrape()).sort()).toEqual([...pids].sort());

    const before = await scrape();
    await severalAtOnce();
    const text = await scrape();
    const health = '{method="GET",route="/health",status="200"}';
    expect(sample(text, 'http_request_duration_seconds_count', health) - sample(before, 'http_request_duration_seconds_count', health)).toBe(20);
    // Per database, not per worker.
    expect(sample(text, 'audit_chain_head_seq')).toBe(await count('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_entries'));
    // Each scheduler ran, and was skipped by a worker while the other ran it.
    expect(sample(text, 'periodic_task_runs_total', '{task="DeadlineScheduler",outcome="ran"}')).toBeGreaterThan(0);
    expect(sample(text, 'periodic_task_runs_total', '{task="DeadlineScheduler",outcome="skipped"}')).toBeGreaterThan(0);
  });

  it('fires a deadline once, with both workers polling', async () => {
    const h = await seedHospital(service.api);
    const roundId = await startedRound(service.api, h);
    const finding = await service.api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
      roundType: 'administrative', title: 'Expired drugs in the crash cart', description: 'Two ampoules past their date', severity: 'major', responsibleDepartmentId: h.ward,
    });
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    const dueSoon = () => count(`SELECT COUNT(*) AS n FROM audit_entries WHERE event = 'DUE_SOON' AND "entityId" = $1`, finding.id);
    await until(async () => (await dueSoon()) > 0);
    await sleep(1_000);
    expect(await dueSoon()).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM notifications WHERE type = 'due_soon' AND "findingId" = $1`, finding.id)).toBe(1);
  });

  it('replaces a worker that dies', async () => {
    const [victim, survivor] = workers();
    process.kill(victim, 'SIGKILL');
    await until(() => workers().length === 2 && !workers().includes(victim));
    const now = workers();
    expect(now).toHaveLength(2);
    expect(now).toContain(survivor);
    expect(now).not.toContain(victim);
    // The new worker listens, and serves its share.
    const replacement = now.find((pid) => pid !== survivor)!;
    await until(async () => {
      await severalAtOnce();
      return answeredBy(await scrape()).includes(replacement);
    });
    expect(answeredBy(await scrape()).sort()).toEqual([...now].sort());
  }, 90_000);

  it('ends every worker gracefully on SIGTERM, then the primary, with status 0', async () => {
    const pids = workers();
    const exited = once(service.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    service.process.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const alive = pids.filter((pid) => {
      try {
        // A zombie (exited, not yet reaped) is as good as gone.
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
