/**
 * Starts the built service, creates findings, and drives them through their lifecycle with 50
 * concurrent clients over HTTP (every request authenticated, validated and audited).
 *
 *   npm run build && npm run bench                       # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *
 * Env: BENCH_FINDINGS (default 3000), BENCH_CONCURRENCY (default 50), BENCH_NODE_ARGS (e.g. --cpu-prof).
 * Ends with one machine-readable line: transitions/s=N p50_ms=N p99_ms=N peak_rss_mb=N
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { Pool } from 'undici';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const FINDINGS_PER_ROUND = 50;
const PORT = 3900 + Math.floor(Math.random() * 90);
const PASSWORD = 'bench-password-123';

const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONCURRENCY, pipelining: 1 });

async function call(method: 'GET' | 'POST' | 'PUT', path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await pool.request({
    method,
    path,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? JSON.parse(text) : null };
}

async function expectOk(method: 'GET' | 'POST' | 'PUT', path: string, token: string | null, body?: unknown) {
  const result = await call(method, path, token, body);
  if (result.status >= 300) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

let scratch: string | null = null;

async function startService(): Promise<ChildProcess> {
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && /^postgres/.test(databaseUrl)) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
  } else {
    scratch = mkdtempSync(join(tmpdir(), 'triple-round-bench-'));
    databaseUrl = join(scratch, 'bench.sqlite');
  }
  const service = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(__dirname, '..', 'dist', 'src', 'main.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(PORT), ADMIN_PASSWORD: PASSWORD, JWT_SECRET: 'bench-secret-'.padEnd(40, 'x'), LOG_LEVEL: 'warn',
      // Four users drive every transition here; the per-user write limit stays on, out of reach.
      WRITES_PER_MINUTE: '10000000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await call('GET', '/health', null)).status === 200) return service;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  service.kill();
  throw new Error('The service did not start');
}

/** Runs `task(i)` for i in [0, count) on `CONCURRENCY` workers. */
async function onWorkers(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const service = await startService();
  try {
    const admin = (await expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    const ward = (await expectOk('POST', '/departments', admin, { code: 'WARD', name: 'Ward', kind: 'clinical' })).id;
    const office = (await expectOk('POST', '/departments', admin, { code: 'PRES', name: 'Office', kind: 'functional', leadOfficeFor: ['administrative'] })).id;
    const user = async (username: string, roles: string[], departmentId?: string) => {
      const { id } = await expectOk('POST', '/users', admin, { username, password: PASSWORD, displayName: username, roles, departmentId });
      const { accessToken } = await expectOk('POST', '/auth/login', null, { username, password: PASSWORD });
      return { id, token: accessToken as string };
    };
    const lead = await user('lead', ['round_lead']);
    const inspector = await user('inspector', ['inspector']);
    const staff = await user('staff', ['department_staff'], ward);
    const verifier = await user('verifier', ['verifier'], office);

    console.log(`Creating ${FINDINGS} findings in ${Math.ceil(FINDINGS / FINDINGS_PER_ROUND)} rounds…`);
    const findingIds: string[] = [];
    for (let first = 0; first < FINDINGS; first += FINDINGS_PER_ROUND) {
      const round = await expectOk('POST', '/rounds', lead.token, {
        types: ['administrative'], departmentId: ward, scheduledFor: '2026-11-24', leadId: lead.id, teamMemberIds: [inspector.id],
      });
      await expectOk('POST', `/rounds/${round.id}/events`, lead.token, { type: 'START' });
      const count = Math.min(FINDINGS_PER_ROUND, FINDINGS - first);
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const finding = await expectOk('POST', `/rounds/${round.id}/findings`, inspector.token, {
            roundType: 'administrative', title: `Finding ${first + i}`, description: 'bench', severity: 'minor', responsibleDepartmentId: ward,
          });
          findingIds.push(finding.id);
        }),
      );
      const { parts } = await expectOk('GET', `/rounds/${round.id}/results`, lead.token);
      for (const code of parts[0].missingItems as string[]) {
        await expectOk('PUT', `/rounds/${round.id}/results/${code}`, inspector.token, { result: 'pass' });
      }
      await expectOk('POST', `/rounds/${round.id}/events`, lead.token, { type: 'SUBMIT' });
    }

    const lifecycle = [
      { token: staff.token, body: { type: 'SUBMIT_PLAN', measures: 'Weekly checks by the head nurse', committedDate: '2026-12-01' } },
      { token: staff.token, body: { type: 'SUBMIT_EVIDENCE', note: 'Checklist photographed' } },
      { token: verifier.token, body: { type: 'VERIFY_REJECT', reason: 'The photo is unreadable' } },
      { token: staff.token, body: { type: 'SUBMIT_EVIDENCE', note: 'Clear photo attached' } },
      { token: verifier.token, body: { type: 'VERIFY_ACCEPT', note: 'Verified on the ward' } },
    ];
    console.log(`Driving ${FINDINGS * lifecycle.length} transitions with ${CONCURRENCY} concurrent clients…`);
    const latencies: number[] = [];
    const byEvent = new Map<string, number[]>();
    let failures = 0;
    const started = performance.now();
    await onWorkers(findingIds.length, async (i) => {
      for (const step of lifecycle) {
        const sent = performance.now();
        const { status, json } = await call('POST', `/findings/${findingIds[i]}/events`, step.token, step.body);
        const latency = performance.now() - sent;
        latencies.push(latency);
        if (!byEvent.has(step.body.type)) byEvent.set(step.body.type, []);
        byEvent.get(step.body.type)!.push(latency);
        if (status !== 200 && failures++ < 5) console.error(`${step.body.type} → ${status} ${JSON.stringify(json)}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))![1]) / 1024;
    if (failures > 0) throw new Error(`${failures} transitions failed`);

    latencies.sort((a, b) => a - b);
    const rate = Math.round(latencies.length / seconds);
    const p50 = percentile(latencies, 50).toFixed(1);
    const p99 = percentile(latencies, 99).toFixed(1);
    const database = process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL) ? 'PostgreSQL' : 'SQLite';
    console.log(`${database}: ${latencies.length} transitions in ${seconds.toFixed(1)} s`);
    for (const [type, values] of byEvent) {
      values.sort((a, b) => a - b);
      console.log(`  ${type.padEnd(16)} p50 ${percentile(values, 50).toFixed(1)} ms   p99 ${percentile(values, 99).toFixed(1)} ms`);
    }
    console.log(`  transitions/s ${rate}   p50 ${p50} ms   p99 ${p99} ms   service peak RSS ${peakRssMb.toFixed(0)} MB`);
    console.log(`transitions/s=${rate} p50_ms=${p50} p99_ms=${p99} peak_rss_mb=${peakRssMb.toFixed(0)}`);
  } finally {
    service.kill();
    await pool.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
