import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EngineModule } from './engine/engine.module';
import { FindingsModule } from './findings/findings.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IdentityModule } from './identity/identity.module';
import { RoundsModule } from './rounds/rounds.module';
import { WorkflowsModule } from './workflows/workflows.module';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    EngineModule,
    IdentityModule,
    RoundsModule,
    FindingsModule,
    AuditModule,
    WorkflowsModule,
    HealthModule,
    IdempotencyModule,
  ],
})
export class AppModule {}
