import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { FindingsModule } from '../findings/findings.module';
import { InterviewsModule } from '../interviews/interviews.module';
import { JobsModule } from '../jobs/jobs.module';
import { RoundsModule } from '../rounds/rounds.module';
import { AuditChainWriter } from './audit-writer';
import { AuditSealer } from './audit-sealer';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { CaseFileService } from './case-file.service';
import { DataAccessLog } from './data-access-log';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from './audit-entry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEntryEntity]), RoundsModule, FindingsModule, AttachmentsModule, InterviewsModule, JobsModule],
  controllers: [AuditController],
  providers: [AuditChainWriter, AuditSealer, AuditService, AuditRepository, CaseFileService, DataAccessLog],
  exports: [DataAccessLog],
})
export class AuditModule {}
