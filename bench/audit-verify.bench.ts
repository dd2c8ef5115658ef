/**
 * `npm run bench:audit`: writes BENCH_ENTRIES (default 1,000,000) chained audit entries straight
 * into a fresh database, then runs `npm run audit:verify`'s program on it and reports its rate
 * and peak memory. DATABASE_URL=postgres://… measures PostgreSQL; BENCH_NODE_ARGS=--cpu-prof profiles the verifier.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { GENESIS_HASH, chainHash, type LinkedEntry } from '../src/audit/audit-chain';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity';
import { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { withEveryEntity } from '../src/every-entity';
import { RowMapper } from '../src/database/row-mapper';
import { benchmark, databaseName, freshDatabase } from './service';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const BATCH = 1000;
const EVENTS = ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_REJECT', 'VERIFY_ACCEPT', 'DUE_SOON', 'LOGIN_SUCCEEDED'];

/** Entries shaped like the service's: a transition's payload and state values, or a security event. */
function entry(seq: number) {
  const event = EVENTS[seq % EVENTS.length];
  const finding = `00000000-0000-4000-8000-${String(seq % 50_000).padStart(12, '0')}`;
  return {
    at: new Date(Date.UTC(2026, 0, 1) + seq * 1000),
    actorId: `00000000-0000-4000-9000-${String(seq % 300).padStart(12, '0')}`,
    actorRole: event === 'LOGIN_SUCCEEDED' ? 'department_staff' : 'verifier',
    entityType: event === 'LOGIN_SUCCEEDED' ? ('user' as const) : ('finding' as const),
    entityId: finding,
    event,
    payload: event === 'SUBMIT_PLAN' ? { measures: '每周检查抢救车药品有效期 weekly checks of the crash cart', committedDate: '2026-02-01' } : { reason: 'r', note: `entry ${seq}` },
    fromState: { progress: { open: 'rectifying' }, timeliness: 'on_track', extension: 'none' },
    toState: { progress: { open: 'verifying' }, timeliness: 'on_track', extension: 'none' },
    requestId: `bench-${seq}`,
  };
}

async function main(): Promise<void> {
  const { databaseUrl, remove } = await freshDatabase();
  const attachments = mkdtempSync(join(tmpdir(), 'triple-round-bench-files-'));
  const environment = { ...process.env, DATABASE_URL: databaseUrl, ATTACHMENTS_DIR: attachments };
  const dataSource = new DataSource(withEveryEntity(dataSourceOptions(AppConfig.fromEnvironment(environment))));
  await dataSource.initialize();
  await dataSource.runMigrations();
  const writing = performance.now();
  let previous = GENESIS_HASH;
  for (let first = 1; first <= ENTRIES; first += BATCH) {
    const rows: Omit<LinkedEntry, 'id'>[] = [];
    for (let seq = first; seq < Math.min(first + BATCH, ENTRIES + 1); seq++) {
      const row = { seq, ...entry(seq) };
      previous = chainHash(previous, row);
      rows.push({ ...row, hash: previous });
    }
    await dataSource.transaction((manager) => RowMapper.of(manager, AuditEntryEntity).insertMany(manager, rows));
  }
  console.log(`${databaseName}: wrote ${ENTRIES.toLocaleString('en')} chained entries in ${((performance.now() - writing) / 1000).toFixed(0)} s`);
  await dataSource.destroy();

  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...nodeArgs, join(__dirname, '..', 'dist', 'src', 'audit', 'verify-audit.js')], {
    env: environment,
    encoding: 'utf8',
  });
  const result = JSON.parse(run.stdout) as { ok: boolean; checked: number };
  const [rateLine, peakKb] = run.stderr.trim().split('\n').slice(-2);
  if (!result.ok || result.checked !== ENTRIES) throw new Error(`verification failed: ${run.stdout}`);
  console.log(`npm run audit:verify: ${rateLine}; peak RSS ${(Number(peakKb) / 1024).toFixed(0)} MB; ok`);
  remove();
  rmSync(attachments, { recursive: true, force: true });
}

benchmark(main);
