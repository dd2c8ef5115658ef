import { Module } from '@nestjs/common';
import { ClosureAuditSampler } from './closure-audit-sampler';
import { ClosureAuditsController } from './closure-audits.controller';
import { ClosureAuditsService } from './closure-audits.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClosureAuditDrawEntity, ClosureAuditSampleEntity } from './closure-audit-sample.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ClosureAuditDrawEntity, ClosureAuditSampleEntity])],
  controllers: [ClosureAuditsController],
  providers: [ClosureAuditsService, ClosureAuditSampler],
})
export class ClosureAuditsModule {}
