import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AppConfig } from './config/app-config';
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
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          redact: ['req.headers.authorization'],
          // Readable lines for a person at a terminal; JSON lines for log collectors.
          transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      }),
    }),
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
