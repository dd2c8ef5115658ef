import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { IdentityModule } from '../identity/identity.module';
import { FindingRegistrar } from './finding-registrar';
import { FindingsController } from './findings.controller';
import { FindingsRepository } from './findings.repository';
import { FindingsService } from './findings.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FindingEntity } from './finding.entity';
import { FindingClosureEntity } from './finding-closure.entity';
import { FindingClosures } from './finding-closures';

@Module({
  imports: [TypeOrmModule.forFeature([FindingEntity, FindingClosureEntity]), IdentityModule, AttachmentsModule],
  controllers: [FindingsController],
  providers: [FindingsService, FindingsRepository, FindingRegistrar, FindingClosures],
  exports: [FindingsService, FindingsRepository, FindingRegistrar],
})
export class FindingsModule {}
