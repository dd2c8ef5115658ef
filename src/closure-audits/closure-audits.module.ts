import { Module } from '@nestjs/common';
import { ClosureAuditSampler } from './closure-audit-sampler';
import { ClosureAuditsController } from './closure-audits.controller';
import { ClosureAuditsService } from './closure-audits.service';

@Module({
  controllers: [ClosureAuditsController],
  providers: [ClosureAuditsService, ClosureAuditSampler],
})
export class ClosureAuditsModule {}
