import type { DataSourceOptions } from 'typeorm';
import { AnnouncementEntity } from './announcements/announcement.entity';
import { AttachmentEntity } from './attachments/attachment.entity';
import { AuditEntryEntity } from './audit/audit-entry.entity';
import { ChecklistTemplateEntity } from './checklists/checklist-template.entity';
import { ClosureAuditDrawEntity, ClosureAuditSampleEntity } from './closure-audits/closure-audit-sample.entity';
import { FindingTimerEntity } from './deadlines/finding-timer.entity';
import { FindingImportEntity } from './finding-imports/finding-import.entity';
import { FindingEntity } from './findings/finding.entity';
import { FindingClosureEntity } from './findings/finding-closure.entity';
import { InterviewEntity } from './interviews/interview.entity';
import { TypicalCaseEntity } from './typical-cases/typical-case.entity';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { DepartmentEntity } from './identity/department.entity';
import { DeviceEntity } from './identity/device.entity';
import { PartyBranchEntity } from './identity/party-branch.entity';
import { SessionEntity } from './identity/session.entity';
import { UserEntity } from './identity/user.entity';
import { NotificationEntity } from './notifications/notification.entity';
import { NotificationSettingsEntity } from './notifications/notification-settings.entity';
import { JobEntity } from './jobs/job.entity';
import { PublishedMonthEntity, PublishedMonthViewEntity } from './published-months/published-month.entity';
import { RoundPlanEntity, RoundPlanMaterialisationEntity } from './round-plans/round-plan.entity';
import { RoundEntity } from './rounds/round.entity';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhooks/webhook.entities';

/**
 * Every entity, for the tools that open the database outside the service (the migration CLI, the
 * audit verification, the benchmarks). The service itself loads them module by module, and a test
 * holds this list to what the modules load.
 */
export const EVERY_ENTITY = [
  DepartmentEntity,
  PartyBranchEntity,
  UserEntity,
  SessionEntity,
  DeviceEntity,
  ChecklistTemplateEntity,
  RoundPlanEntity,
  RoundPlanMaterialisationEntity,
  RoundEntity,
  FindingEntity,
  FindingClosureEntity,
  AuditEntryEntity,
  IdempotencyKeyEntity,
  FindingTimerEntity,
  NotificationEntity,
  NotificationSettingsEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  AttachmentEntity,
  ClosureAuditDrawEntity,
  ClosureAuditSampleEntity,
  InterviewEntity,
  TypicalCaseEntity,
  FindingImportEntity,
  PublishedMonthEntity,
  JobEntity,
  PublishedMonthViewEntity,
  AnnouncementEntity,
];


export const withEveryEntity = (options: DataSourceOptions): DataSourceOptions => ({ ...options, entities: EVERY_ENTITY });
