import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { LedgerPageDto, LedgerQuery } from './report.dto';
import { DashboardDto } from './dashboard.dto';
import { DashboardService } from './dashboard.service';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(
    private readonly service: ReportsService,
    private readonly dashboards: DashboardService,
  ) {}

  /** The ledger (问题台账) of the findings the caller may see: JSON pages, or the whole as xlsx or csv. */
  @Get('reports/ledger')
  @AllowAnyUser()
  @ApiProduces('application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  ledger(@Auth() auth: AuthUser, @Query() query: LedgerQuery): Promise<LedgerPageDto | StreamableFile> {
    return this.service.ledger(auth, query);
  }

  /** Figures to poll: open findings by state, timeliness, department and round type; twelve weeks; the oldest overdue. */
  @Get('dashboard')
  @AllowAnyUser()
  dashboard(@Auth() auth: AuthUser): Promise<DashboardDto> {
    return this.dashboards.dashboard(auth);
  }
}
