/**
 * The console's speed targets at 100,000 findings (bench/findings.ts), as an office's verifier:
 *  - the problem list's page (GET /reports/ledger, 20 rows) for typical filter changes and sorts,
 *    against a bare `SELECT … LIMIT 20` on the findings table through the driver (better-sqlite3 or pg)
 *    in this process: target under 300 ms;
 *  - in Chromium, navigation to /console/findings until the sign-in form can be typed in, and sign-in
 *    until the problem list's first rows are shown, against a bare static HTML form served from this
 *    process into the same browser: target under 2 s for the first screen.
 *
 *   npm run bench:console                                                        # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npm run bench:console  # its public schema is emptied
 *
 * Env: BENCH_FINDINGS (default 100000), BENCH_RUNS (timed requests per filter, default 20),
 * BENCH_PAGE_LOADS (browser runs, default 5). Ends with one machine-readable line:
 * findings=N ledger_p50_ms=N ledger_p95_ms=N raw_p50_ms=N form_ms=N rows_ms=N static_ms=N
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { launchChromium } from '../test/support/chromium';
import { DAY, percentile, seedFindings } from './findings';
import { PASSWORD, benchmark, databaseName, onPostgres, startService } from './service';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 5);
const WARM_UP = 3;

/** p50 and p95 of `runs` timings of `work`, after a few untimed ones. */
async function timed(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + runs; i++) {
    const started = performance.now();
    await work();
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** better-sqlite3 as the probe uses it: the package ships no types. */
interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
const openSqlite = (path: string): SqliteDatabase => {
  const Database = require('better-sqlite3') as new (path: string, options: { readonly: boolean }) => SqliteDatabase;
  return new Database(path, { readonly: true });
};

/** The bare driver's `SELECT … LIMIT 20` on the findings table, newest first: what a page costs below the service. */
async function rawProbe(databaseUrl: string): Promise<{ p50: number; p95: number }> {
  const sql = 'SELECT "id", "title", "state", "deadline" FROM "findings" ORDER BY "createdAt" DESC LIMIT 20';
  if (onPostgres) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await timed(RUNS, () => client.query(sql));
    } finally {
      await client.end();
    }
  }
  const sqlite = openSqlite(databaseUrl);
  try {
    const statement = sqlite.prepare(sql);
    return await timed(RUNS, () => Promise.resolve(statement.all()));
  } finally {
    sqlite.close();
  }
}

const STATIC_PAGE = '<!doctype html><html lang="en"><title>Sign in</title><form><input id="username"><input id="password" type="password"><button>Sign in</button></form></html>';

async function main(): Promise<void> {
  const service = await startService(4);
  const { h, dataSource, departments } = await seedFindings(service, FINDINGS);
  const browser = await launchChromium();
  const probe = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(STATIC_PAGE));
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  try {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
    const changes: [string, string][] = [
      ['no filter', ''],
      ['state', 'state=rectifying'],
      ['light', 'light=red'],
      ['department', `responsibleDepartmentId=${departments[7]}`],
      ['overdue', 'overdue=true'],
      ['logged in a fortnight', `createdFrom=${day(45)}&createdTo=${day(31)}`],
      ['overdue in a department', `overdue=true&responsibleDepartmentId=${departments[8]}`],
      ['sorted by deadline, latest first', 'sort=deadline&order=desc'],
      ['sorted by days overdue, most first', 'sort=daysOverdue&order=desc'],
      ['sorted by department', 'sort=department'],
      ['state, sorted by days overdue', 'state=assigned&sort=daysOverdue&order=desc'],
      ['page 200', 'offset=3980'],
    ];
    console.log(`  GET /reports/ledger?limit=20&… as the office's verifier (${RUNS} runs each):`);
    const pages: number[] = [];
    for (const [name, filter] of changes) {
      const path = `/reports/ledger?limit=20${filter && `&${filter}`}`;
      const { p50, p95 } = await timed(RUNS, () => service.api.expectOk('GET', path, h.verifier.token));
      const { total } = await service.api.expectOk('GET', path, h.verifier.token);
      console.log(`    ${name.padEnd(36)} p50 ${p50.toFixed(1).padStart(6)} ms, p95 ${p95.toFixed(1).padStart(6)} ms  (${Number(total).toLocaleString('en')} rows)`);
      pages.push(p50, p95);
    }
    const raw = await rawProbe(service.databaseUrl);
    const worstP50 = Math.max(...pages.filter((_, i) => i % 2 === 0));
    const worstP95 = Math.max(...pages.filter((_, i) => i % 2 === 1));
    console.log(`    raw probe (bare driver, SELECT … LIMIT 20)   p50 ${raw.p50.toFixed(2)} ms, p95 ${raw.p95.toFixed(2)} ms; slowest page p50 ${(worstP50 / raw.p50).toFixed(0)}× it`);

    // A new browser context each run: nothing cached, as a person's first visit of the day.
    const forms: number[] = [];
    const rows: number[] = [];
    const statics: number[] = [];
    for (let i = 0; i < PAGE_LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      let started = performance.now();
      await page.goto(`${service.api.origin}/console/findings`, { waitUntil: 'commit' });
      await page.locator('#username').fill('verifier');
      forms.push(performance.now() - started);
      await page.fill('#password', PASSWORD);
      started = performance.now();
      await page.press('#password', 'Enter');
      await page.waitForSelector('.ant-table-row');
      rows.push(performance.now() - started);
      await context.close();

      const bare = await browser.newContext();
      const staticPage = await bare.newPage();
      started = performance.now();
      await staticPage.goto(`http://127.0.0.1:${(probe.address() as AddressInfo).port}/`, { waitUntil: 'commit' });
      await staticPage.locator('#username').fill('verifier');
      statics.push(performance.now() - started);
      await bare.close();
    }
    const median = (times: number[]) => percentile([...times].sort((a, b) => a - b), 50);
    const [form, shown, bare] = [median(forms), median(rows), median(statics)];
    console.log(`  Chromium, median of ${PAGE_LOADS} cold loads:`);
    console.log(`    /console/findings until the sign-in form takes typing: ${form.toFixed(0)} ms (max ${Math.max(...forms).toFixed(0)})`);
    console.log(`    sign-in until the problem list's first rows:          ${shown.toFixed(0)} ms (max ${Math.max(...rows).toFixed(0)})`);
    console.log(`    raw probe: a bare static HTML form, same browser:     ${bare.toFixed(0)} ms; the console's form ${(form / bare).toFixed(1)}× it`);
    console.log(
      `${databaseName}: findings=${FINDINGS} ledger_p50_ms=${worstP50.toFixed(1)} ledger_p95_ms=${worstP95.toFixed(1)} raw_p50_ms=${raw.p50.toFixed(2)} form_ms=${form.toFixed(0)} rows_ms=${shown.toFixed(0)} static_ms=${bare.toFixed(0)}`,
    );
  } finally {
    probe.close();
    await browser.close();
    await dataSource.destroy();
    await service.stop();
  }
}

benchmark(main);
