/**
 * 100,000 open findings whose deadlines pass at the same instant: how long the running service
 * (its scheduler polling every SCHEDULER_INTERVAL_MS, default 1 s) takes until every
 * DEADLINE_PASSED is applied, audited and notified, and the next timer (ESCALATE) is in place.
 *
 *   npm run bench:deadlines                                                    # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:deadlines
 *
 * The findings are written straight into the database (creating 100,000 over HTTP is the other
 * benchmark's business), each as the machine itself left it: assigned, due soon, waiting for
 * DEADLINE_PASSED. Env: BENCH_DEADLINES (default 100000), BENCH_LEAD_SECONDS (default 60: time to
 * write them before the deadline).
 * Ends with one machine-readable line: deadlines=N seconds=N per_second=N peak_rss_mb=N
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { initialTransition, transition } from 'xstate';
import { SYSTEM_ACTOR, Snapshot, currentWorkflow, deadlineIn, findingMachine, findingStatus, nextTimer, toStored } from '../workflows';
import { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { withEveryEntity } from '../src/every-entity';
import { FindingTimerEntity } from '../src/deadlines/finding-timer.entity';
import { FindingEntity } from '../src/findings/finding.entity';
import { FINDING } from '../src/findings/finding.kind';
import { benchmark, databaseName, peakRssPerProcessMb, seedHospital, startedRound, startService } from './service';

const DEADLINES = Number(process.env.BENCH_DEADLINES ?? 100_000);
const LEAD_SECONDS = Number(process.env.BENCH_LEAD_SECONDS ?? 60);
const CHUNK = 500;
const TIME_ZONE = 'Asia/Shanghai';

/** The snapshot of an assigned finding that is due soon, deadline `deadline`, as the machine makes it. */
function dueSoonSnapshot(h: { lead: { id: string }; ward: string }, roundId: string, deadline: string, config: AppConfig): Snapshot {
  const at = new Date().toISOString();
  const envelope = { at, today: at.slice(0, 10), timeZone: TIME_ZONE };
  const lead = { id: h.lead.id, roles: ['round_lead'] as const, departmentId: null, leadOfficeFor: [] };
  let [snapshot] = initialTransition(findingMachine, {
    roundId,
    source: 'round',
    roundType: 'administrative',
    severity: 'minor',
    lead: { kind: 'round_lead', userId: h.lead.id },
    responsibleDepartmentId: h.ward,
    responsiblePersonId: null,
    ...config.findingRules('minor'),
    photos: [],
  });
  const staff = { id: 'staff', roles: ['department_staff'] as const, departmentId: h.ward, leadOfficeFor: [] };
  [snapshot] = transition(findingMachine, snapshot, { type: 'ASSIGN', deadline, actor: lead, ...envelope } as never);
  // Signed for, so the deadline's clock is the one that runs.
  [snapshot] = transition(findingMachine, snapshot, { type: 'ACKNOWLEDGE', actor: staff, ...envelope } as never);
  [snapshot] = transition(findingMachine, snapshot, { type: 'DUE_SOON', actor: SYSTEM_ACTOR, ...envelope } as never);
  return snapshot as Snapshot;
}

async function count(dataSource: DataSource, sql: string): Promise<number> {
  const [row] = await dataSource.query(sql);
  return Number(row.n);
}

async function main(): Promise<void> {
  const service = await startService(4);
  const config = AppConfig.fromEnvironment({ ...process.env, DATABASE_URL: service.databaseUrl, TIME_ZONE });
  const dataSource = await new DataSource(withEveryEntity(dataSourceOptions(config))).initialize();
  try {
    const h = await seedHospital(service.api);
    const roundId = await startedRound(service.api, h);
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });

    const deadlineAt = Date.now() + LEAD_SECONDS * 1000;
    const snapshot = dueSoonSnapshot(h, roundId, deadlineIn(new Date(deadlineAt).toISOString(), TIME_ZONE), config);
    const timer = nextTimer(snapshot, config.timerPolicy)!;
    if (timer.event !== 'DEADLINE_PASSED' || findingStatus(snapshot.value).timeliness !== 'due_soon') throw new Error('unexpected snapshot');
    const now = new Date();
    console.log(`${databaseName}: writing ${DEADLINES} findings due soon, all with the deadline ${new Date(deadlineAt).toISOString()}…`);
    // A transaction per chunk: the service keeps its turn at the database meanwhile.
    for (let first = 0; first < DEADLINES; first += CHUNK) {
      const findings = Array.from({ length: Math.min(CHUNK, DEADLINES - first) }, (_, i): Omit<FindingEntity, 'readAsCurrentVersion'> => ({
        ...(FINDING.denormalise(snapshot) as FindingEntity),
        id: randomUUID(),
        workflowId: 'finding',
        workflowVersion: currentWorkflow('finding').version,
        snapshot: toStored(snapshot),
        version: 3,
        createdBy: h.inspector.id,
        createdAt: now,
        updatedAt: now,
        roundId,
        roundType: 'administrative',
        title: `Finding ${first + i}`,
        description: 'bench',
        severity: 'minor',
        location: null,
        checklistItemCode: null,
      }));
      await dataSource.transaction(async (manager) => {
        await manager.insert(FindingEntity, findings as QueryDeepPartialEntity<FindingEntity>[]);
        await manager.insert(
          FindingTimerEntity,
          findings.map((f) => ({ findingId: f.id, event: timer.event, level: timer.level, dueAt: new Date(timer.dueAt), scheduledAt: now })),
        );
      });
    }
    const written = Date.now();
    if (written >= deadlineAt) throw new Error(`Writing took longer than BENCH_LEAD_SECONDS=${LEAD_SECONDS}; raise it`);
    console.log(`Written in ${((written - now.getTime()) / 1000).toFixed(1)} s; waiting for the deadline…`);

    const passed = `SELECT COUNT(*) AS n FROM audit_entries WHERE event = 'DEADLINE_PASSED'`;
    while (Date.now() < deadlineAt) await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    let applied = 0;
    for (let last = -1; applied < DEADLINES; last = applied) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      applied = await count(dataSource, passed);
      if (applied === last && performance.now() - started > 600_000) throw new Error(`stuck at ${applied}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = Math.max(...peakRssPerProcessMb(service));

    const overdue = await count(dataSource, `SELECT COUNT(*) AS n FROM findings WHERE timeliness = 'overdue'`);
    const notified = await count(dataSource, `SELECT COUNT(*) AS n FROM notifications WHERE type = 'overdue'`);
    const escalations = await count(dataSource, `SELECT COUNT(*) AS n FROM finding_timers WHERE event = 'ESCALATE'`);
    if ([overdue, notified, escalations].some((n) => n !== DEADLINES)) {
      throw new Error(`expected ${DEADLINES} of each: overdue ${overdue}, notified ${notified}, escalation timers ${escalations}`);
    }
    const rate = Math.round(DEADLINES / seconds);
    console.log(`  ${DEADLINES} DEADLINE_PASSED applied, audited and notified in ${seconds.toFixed(1)} s (${rate}/s); service peak RSS ${peak.toFixed(0)} MB`);
    console.log(`deadlines=${DEADLINES} seconds=${seconds.toFixed(1)} per_second=${rate} peak_rss_mb=${peak.toFixed(0)}`);
  } finally {
    await dataSource.destroy();
    await service.stop();
  }
}

benchmark(main);
