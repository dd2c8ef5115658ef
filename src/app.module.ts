import { Module } from '@nestjs/common';
import { AssessmentsModule } from './assessments/assessments.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuditModule } from './audit/audit.module';
import { ChecklistsModule } from './checklists/checklists.module';
import { ClosureAuditsModule } from './closure-audits/closure-audits.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { EngineModule } from './engine/engine.module';
import { FindingImportsModule } from './finding-imports/finding-imports.module';
import { FindingsModule } from './findings/findings.module';
import { FollowUpsModule } from './follow-ups/follow-ups.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IdentityModule } from './identity/identity.module';
import { InterviewsModule } from './interviews/interviews.module';
import { MetricsModule } from './metrics/metrics.module';
import { TypicalCasesModule } from './typical-cases/typical-cases.module';
import { RoundPlansModule } from './round-plans/round-plans.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AnnouncementsModule } from './announcements/announcements.module';
import { ReportsModule } from './reports/reports.module';
import { RoundFindingsModule } from './round-findings/round-findings.module';
import { RoundsModule } from './rounds/rounds.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkflowsModule } from './workflow-catalog/workflows.module';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    EngineModule,
    IdentityModule,
    ChecklistsModule,
    RoundsModule,
    AttachmentsModule,
    FindingsModule,
    FollowUpsModule,
    InterviewsModule,
    TypicalCasesModule,
    RoundPlansModule,
    FindingImportsModule,
    RoundFindingsModule,
    DeadlinesModule,
    NotificationsModule,
    AnnouncementsModule,
    WebhooksModule,
    AuditModule,
    ClosureAuditsModule,
    AssessmentsModule,
    ReportsModule,
    WorkflowsModule,
    HealthModule,
    MetricsModule,
    IdempotencyModule,
  ],
})
export class AppModule {}
