/**
 * The benchmarks' large hospital: findings written straight into the service's fresh database (60 %
 * closed over the last four months, the rest open: on track, overdue or rectifying), across 30
 * departments, all of one administrative round.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
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
import { RunningService, databaseName, seedHospital, startedRound } from './service';

const CHUNK = 500;
export const DAY = 86_400_000;

export type Hospital = Awaited<ReturnType<typeof seedHospital>>;

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

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface ManyFindings {
  h: Hospital;
  /** The service's database, opened beside it; destroy it when done. */
  dataSource: DataSource;
  /** The ward first, then 29 more. */
  departments: string[];
}

/** `count` findings written into the running service's database, the hospital around them made through its API. */
export async function seedFindings(service: RunningService, count: number): Promise<ManyFindings> {
  const config = AppConfig.fromEnvironment({ ...process.env, DATABASE_URL: service.databaseUrl });
  const dataSource = await new DataSource(withEveryEntity(dataSourceOptions(config))).initialize();
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
  for (let first = 0; first < count; first += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - first) }, (_, i): Omit<FindingEntity, 'readAsCurrentVersion'> => {
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
  console.log(`${databaseName}: wrote ${count.toLocaleString('en')} findings in ${((performance.now() - writing) / 1000).toFixed(0)} s`);

  return { h, dataSource, departments };
}
