import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { AuditModule } from '../audit/audit.module';
import { FindingsModule } from '../findings/findings.module';
import { InterviewsModule } from '../interviews/interviews.module';
import { CoverageService } from './coverage.service';
import { DashboardService } from './dashboard.service';
import { NoticeService } from './notice.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [FindingsModule, AssessmentsModule, AuditModule, InterviewsModule],
  controllers: [ReportsController],
  providers: [ReportsService, CoverageService, DashboardService, NoticeService],
})
export class ReportsModule {}
