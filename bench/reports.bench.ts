/**
 * 100,000 findings written straight into a fresh database (60 % closed over the last four months,
 * the rest open: on track, overdue or rectifying, across 30 departments), then, against the running
 * service: GET /dashboard polled by four roles, the whole ledger exported as xlsx, then last month's
 * notice and monthly tracking, and the year's assessment, workbook and notice.
 *
 *   npm run bench:reports                                                    # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:reports
 *
 * Env: BENCH_FINDINGS (default 100000). Ends with one machine-readable line:
 * findings=N dashboard_p50_ms=N dashboard_p99_ms=N notice_ms=N year_notice_ms=N export_seconds=N export_mb=N peak_rss_mb=N
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { initialTransition, transition } from 'xstate';
import { SYSTEM_ACTOR, Snapshot, currentWorkflow, findingMachine, toStored } from '../workflows';
import { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { withEveryEntity } from '../src/every-entity';
import { FindingEntity } from '../src/findings/finding.entity';
import { FINDING } from '../src/findings/finding.kind';
import { DepartmentEntity } from '../src/identity/department.entity';
import { benchmark, databaseName, peakRssMb, seedHospital, startedRound, startService } from './service';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);
const CHUNK = 500;
const DAY = 86_400_000;

type Hospital = Awaited<ReturnType<typeof seedHospital>>;

/** Snapshots as the machine leaves them: assigned, overdue, rectifying, closed. */
function snapshots(h: Hospital, roundId: string, config: AppConfig): Snapshot[] {
  const at = new Date().toISOString();
  const envelope = { at, today: at.slice(0, 10), timeZone: config.TIME_ZONE };
  const lead = { id: h.lead.id, roles: ['round_lead'], departmentId: null, leadOfficeFor: [] };
  const staff = { id: h.staff.id, roles: ['department_staff'], departmentId: h.ward, leadOfficeFor: [] };
  const verifier = { id: h.verifier.id, roles: ['verifier'], departmentId: h.office, leadOfficeFor: ['administrative'] };
  const send = (snapshot: Snapshot, type: string, actor: object, payload: object = {}) =>
    transition(findingMachine, snapshot, { type, actor, ...envelope, ...payload } as never)[0] as Snapshot;
  const input = {
    roundId,
    source: 'round' as const,
    roundType: 'administrative' as const,
    severity: 'major' as const,
    lead: { kind: 'round_lead' as const, userId: h.lead.id },
    responsibleDepartmentId: h.ward,
    responsiblePersonId: null,
    defaultDeadlineDays: 15,
    receiptDays: 2,
    followUpDays: null,
    extensionLimit: 2,
    evidenceRequired: 0,
    photos: [],
  };
  const assigned = send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead);
  const overdue = send(send(assigned, 'DUE_SOON', SYSTEM_ACTOR), 'DEADLINE_PASSED', SYSTEM_ACTOR);
  const rectifying = send(assigned, 'SUBMIT_PLAN', staff, { measures: '每周检查 weekly checks', committedDate: at.slice(0, 10) });
  const closed = send(send(rectifying, 'SUBMIT_EVIDENCE', staff, { note: '已整改 done' }), 'VERIFY_ACCEPT', verifier);
  return [assigned, overdue, rectifying, closed];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const service = await startService(4);
  const config = AppConfig.fromEnvironment({ ...process.env, DATABASE_URL: service.databaseUrl });
  const dataSource = await new DataSource(withEveryEntity(dataSourceOptions(config))).initialize();
  try {
    const h = await seedHospital(service.api);
    const roundId = await startedRound(service.api, h);
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    const departments = [h.ward];
    for (let i = 1; i < 30; i++) {
      const id = randomUUID();
      await dataSource.manager.insert(DepartmentEntity, { id, code: `D${i}`, name: `科室 ${i}`, kind: 'clinical', partyBranch: null, leadOfficeFor: [] } as never);
      departments.push(id);
    }
    const [assigned, overdue, rectifying, closed] = snapshots(h, roundId, config);
    const now = Date.now();
    const writing = performance.now();
    for (let first = 0; first < FINDINGS; first += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, FINDINGS - first) }, (_, i): Omit<FindingEntity, 'readAsCurrentVersion'> => {
        const n = first + i;
        const snapshot = n % 10 < 6 ? closed : n % 10 < 8 ? assigned : n % 10 < 9 ? overdue : rectifying;
        const createdAt = new Date(now - ((n * 7919) % 120) * DAY - (n % 1000) * 1000);
        const columns = FINDING.denormalise(snapshot) as FindingEntity;
        return {
          ...columns,
          id: randomUUID(),
          workflowId: 'finding',
          workflowVersion: currentWorkflow('finding').version,
          snapshot: toStored(snapshot),
          version: 5,
          createdBy: h.inspector.id,
          createdAt,
          updatedAt: createdAt,
          closedAt: snapshot === closed ? new Date(Math.min(now, createdAt.getTime() + ((n % 30) + 1) * DAY)) : null,
          deadline: new Date(createdAt.getTime() + 15 * DAY),
          responsibleDepartmentId: departments[n % departments.length],
          roundId,
          source: 'round',
          roundType: 'administrative',
          title: `问题 ${n} finding`,
          description: 'bench',
          severity: 'major',
          location: null,
          checklistItemCode: null,
        };
      });
      await dataSource.transaction((manager) => manager.insert(FindingEntity, rows as QueryDeepPartialEntity<FindingEntity>[]));
    }
    // What autovacuum does after a bulk load: statistics, and the visibility map that lets index-only scans skip the table.
    if (databaseName === 'PostgreSQL') await dataSource.query('VACUUM ANALYZE');
    console.log(`${databaseName}: wrote ${FINDINGS.toLocaleString('en')} findings in ${((performance.now() - writing) / 1000).toFixed(0)} s`);

    const admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: 'bench-password-123' })).accessToken as string;
    const times: number[] = [];
    for (const [role, token] of [['admin', admin], ['verifier', h.verifier.token], ['department staff', h.staff.token], ['round lead', h.lead.token]] as const) {
      const mine: number[] = [];
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        await service.api.expectOk('GET', '/dashboard', token);
        if (i >= 10) mine.push(performance.now() - started);
      }
      mine.sort((a, b) => a - b);
      console.log(`  GET /dashboard as ${role}: p50 ${percentile(mine, 50).toFixed(1)} ms, p99 ${percentile(mine, 99).toFixed(1)} ms`);
      times.push(...mine);
    }
    times.sort((a, b) => a - b);

    const beforeExport = peakRssMb(service.process.pid!);
    console.log(`  service peak RSS before the export: ${beforeExport.toFixed(0)} MB`);
    // Another user's requests keep being answered while the export runs: GET /health twice a second.
    const waits: number[] = [];
    const probe = setInterval(() => {
      const started = performance.now();
      void service.api.call('GET', '/health', null).then(() => waits.push(performance.now() - started));
    }, 500);
    const exporting = performance.now();
    const response = await request(`${service.api.origin}/reports/ledger?format=xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    if (response.statusCode !== 200) throw new Error(`export answered ${response.statusCode}`);
    const exportSeconds = (performance.now() - exporting) / 1000;
    clearInterval(probe);
    waits.sort((a, b) => a - b);
    const peak = peakRssMb(service.process.pid!);
    console.log(`  GET /reports/ledger?format=xlsx (${FINDINGS.toLocaleString('en')} rows): ${(bytes / 1_048_576).toFixed(1)} MB in ${exportSeconds.toFixed(1)} s; service peak RSS ${peak.toFixed(0)} MB; GET /health meanwhile p50 ${percentile(waits, 50).toFixed(0)} ms, max ${waits.at(-1)!.toFixed(0)} ms`);
    const month = new Date(Date.now() - 31 * DAY).toISOString().slice(0, 7);
    const reportTimes: Record<string, number> = {};
    const year = new Date().toISOString().slice(0, 4);
    const paths = [
      `/reports/notice?month=${month}`,
      `/reports/monthly?month=${month}`,
      `/reports/monthly?month=${month}&format=xlsx`,
      `/assessments?year=${year}`,
      `/reports/annual?year=${year}&format=xlsx`,
      `/reports/notice?year=${year}`,
    ];
    for (const path of paths) {
      const started = performance.now();
      const answer = await request(`${service.api.origin}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      await answer.body.arrayBuffer();
      if (answer.statusCode !== 200) throw new Error(`${path} answered ${answer.statusCode}`);
      reportTimes[path] = performance.now() - started;
      console.log(`  GET ${path}: ${reportTimes[path].toFixed(0)} ms`);
    }

    console.log(`  service peak RSS after them: ${peakRssMb(service.process.pid!).toFixed(0)} MB`);
    console.log(
      `findings=${FINDINGS} dashboard_p50_ms=${percentile(times, 50).toFixed(1)} dashboard_p99_ms=${percentile(times, 99).toFixed(1)} notice_ms=${reportTimes[`/reports/notice?month=${month}`].toFixed(0)} year_notice_ms=${reportTimes[`/reports/notice?year=${year}`].toFixed(0)} export_seconds=${exportSeconds.toFixed(1)} export_mb=${(bytes / 1_048_576).toFixed(1)} peak_rss_mb=${peak.toFixed(0)}`,
    );
  } finally {
    await dataSource.destroy();
    await service.stop();
  }
}

benchmark(main);
