import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AttachmentEntity } from '../attachments/attachment.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { ChecklistTemplateEntity } from '../checklists/checklist-template.entity';
import { ClosureAuditDrawEntity, ClosureAuditSampleEntity } from '../closure-audits/closure-audit-sample.entity';
import { AppConfig } from '../config/app-config';
import { FindingTimerEntity } from '../deadlines/finding-timer.entity';
import { FindingEntity } from '../findings/finding.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { DepartmentEntity } from '../identity/department.entity';
import { DeviceEntity } from '../identity/device.entity';
import { SessionEntity } from '../identity/session.entity';
import { UserEntity } from '../identity/user.entity';
import { NotificationEntity } from '../notifications/notification.entity';
import { RoundEntity } from '../rounds/round.entity';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from '../webhooks/webhook.entities';
import { PreparingClient } from './prepared-statements';

export const ENTITIES = [
  DepartmentEntity,
  UserEntity,
  SessionEntity,
  DeviceEntity,
  ChecklistTemplateEntity,
  RoundEntity,
  FindingEntity,
  AuditEntryEntity,
  IdempotencyKeyEntity,
  FindingTimerEntity,
  NotificationEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  AttachmentEntity,
  ClosureAuditDrawEntity,
  ClosureAuditSampleEntity,
];

/** One description of the database for the service and the migration CLI; never `synchronize`. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false } as const;
  if (config.isPostgres) {
    return { ...common, type: 'postgres', url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, extra: { Client: PreparingClient } };
  }
  const path = config.sqlitePath;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path,
    enableWAL: true,
    timeout: 5000,
    prepareDatabase: (db: { pragma(source: string): unknown; function(name: string, body: () => string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      // Statistics for the query planner, gathered where missing or stale (see SqliteStatistics).
      db.pragma('optimize = 0x10002');
      // As PostgreSQL has it: rows inserted by INSERT … SELECT get their ids in SQL.
      db.function('gen_random_uuid', () => randomUUID());
    },
  };
}
