import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsModule } from '../attachments/attachments.module';
import { FindingsModule } from '../findings/findings.module';
import { FindingImportEntity } from './finding-import.entity';
import { FindingImportsController } from './finding-imports.controller';
import { FindingImportsService } from './finding-imports.service';

@Module({
  imports: [TypeOrmModule.forFeature([FindingImportEntity]), FindingsModule, AttachmentsModule],
  controllers: [FindingImportsController],
  providers: [FindingImportsService],
})
export class FindingImportsModule {}
