import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { IdentityModule } from '../identity/identity.module';
import { FindingRegistrar } from './finding-registrar';
import { FindingsController } from './findings.controller';
import { FindingsRepository } from './findings.repository';
import { FindingsService } from './findings.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FindingEntity } from './finding.entity';

@Module({
  imports: [TypeOrmModule.forFeature([FindingEntity]), IdentityModule, AttachmentsModule],
  controllers: [FindingsController],
  providers: [FindingsService, FindingsRepository, FindingRegistrar],
  exports: [FindingsService, FindingsRepository, FindingRegistrar],
})
export class FindingsModule {}
