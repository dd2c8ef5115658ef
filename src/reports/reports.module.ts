import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { AuditModule } from '../audit/audit.module';
import { FindingsModule } from '../findings/findings.module';
import { InterviewsModule } from '../interviews/interviews.module';
import { JobsModule } from '../jobs/jobs.module';
import { LedgerExportsService } from './ledger-exports.service';
import { PublishedMonthsModule } from '../published-months/published-months.module';
import { TypicalCasesModule } from '../typical-cases/typical-cases.module';
import { AnnualNoticeService } from './annual-notice.service';
import { CoverageService } from './coverage.service';
import { DashboardService } from './dashboard.service';
import { NoticePublisher } from './notice-publisher';
import { NoticeService } from './notice.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [FindingsModule, AssessmentsModule, AuditModule, InterviewsModule, PublishedMonthsModule, TypicalCasesModule, JobsModule],
  controllers: [ReportsController],
  providers: [ReportsService, CoverageService, DashboardService, NoticeService, AnnualNoticeService, NoticePublisher, LedgerExportsService],
})
export class ReportsModule {}
