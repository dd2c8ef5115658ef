import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdempotencyGuard } from './idempotency.guard';
import { IdempotencyPurgeService } from './idempotency-purge.service';
import { IdempotencyStore } from './idempotency.store';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity])],
  providers: [IdempotencyStore, IdempotencyPurgeService, { provide: APP_GUARD, useClass: IdempotencyGuard }],
})
export class IdempotencyModule {}
