import { Body, Controller, Get, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { FIGURE_READERS } from '../access/visibility';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import type { AnnualTrackingDto, MonthlyTrackingDto } from '../assessments/assessment.dto';
import { UuidParam } from '../common/params';
import { JobStartedDto } from '../jobs/job.dto';
import { AnnualQuery, LedgerExportDto, LedgerExportRequest, LedgerPageDto, LedgerQuery, MonthlyQuery } from './report.dto';
import { LedgerExportsService } from './ledger-exports.service';
import { XLSX_TYPE } from './spreadsheet';
import { CoverageDto, CoverageQuery } from './coverage.dto';
import { DashboardDto } from './dashboard.dto';
import { DashboardService } from './dashboard.service';
import { AnnualNoticeDto, NoticeDto, NoticeQuery, PublishMonthDto, PublishedMonthDto } from './notice.dto';
import { NoticePublisher } from './notice-publisher';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(
    private readonly service: ReportsService,
    private readonly dashboards: DashboardService,
    private readonly publisher: NoticePublisher,
    private readonly exports: LedgerExportsService,
  ) {}

  /** The ledger (问题台账) of the findings the caller may see: JSON pages, or the whole as xlsx or csv. */
  @Get('reports/ledger')
  @AllowAnyUser()
  @ApiProduces('application/json', XLSX_TYPE, 'text/csv')
  ledger(@Auth() auth: AuthUser, @Query() query: LedgerQuery): Promise<LedgerPageDto | StreamableFile> {
    return this.service.ledger(auth, query);
  }

  /** Exports the ledger in the background (a large one): the findings the caller may see now, filtered as GET /reports/ledger; poll the job for progress. */
  @Post('reports/exports')
  @AllowAnyUser()
  @HttpCode(202)
  startExport(@Auth() auth: AuthUser, @Body() request: LedgerExportRequest): Promise<JobStartedDto> {
    return this.exports.start(auth, request);
  }

  /** An export job of the caller's: its status and rows written of the total (404 for anyone else's). */
  @Get('reports/exports/:id')
  @AllowAnyUser()
  exportJob(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<LedgerExportDto> {
    return this.exports.job(auth, id);
  }

  /** The finished export's file (409 before it is done). */
  @Get('reports/exports/:id/file')
  @AllowAnyUser()
  @ApiProduces(XLSX_TYPE, 'text/csv')
  exportFile(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<StreamableFile> {
    return this.exports.file(auth, id);
  }

  /** Monthly tracking (整改月度跟踪): every department's assessment figures, whole and per round type; a department sees its own row. */
  @Get('reports/monthly')
  @Allow(...FIGURE_READERS)
  @ApiProduces('application/json', XLSX_TYPE)
  monthly(@Auth() auth: AuthUser, @Query() query: MonthlyQuery): Promise<MonthlyTrackingDto | StreamableFile> {
    return this.service.monthly(auth, query);
  }

  /** The year's assessment (年度考核): every department's year whole and per round type, the Party branches, the vetoes; a department sees its own row. */
  @Get('reports/annual')
  @Allow(...FIGURE_READERS)
  @ApiProduces('application/json', XLSX_TYPE)
  annual(@Auth() auth: AuthUser, @Query() query: AnnualQuery): Promise<AnnualTrackingDto | StreamableFile> {
    return this.service.annual(auth, query);
  }

  /** Coverage (查房覆盖) of a month or a year: rounds planned, held and cancelled by department and round type, the last visit, who was not visited. */
  @Get('reports/coverage')
  @Allow(...FIGURE_READERS)
  @ApiProduces('application/json', XLSX_TYPE)
  coverage(@Auth() auth: AuthUser, @Query() query: CoverageQuery): Promise<CoverageDto | StreamableFile> {
    return this.service.coverage(auth, query);
  }

  /**
   * The month's public notice (通报), or with `year` the year's (年度通报: the months' trend, rankings,
   * vetoes, relapses, typical cases): a page to print, charts drawn on the server; integrity details only for those entitled.
   */
  @Get('reports/notice')
  @AllowAnyUser()
  @ApiProduces('text/html', 'application/json')
  @ApiExtraModels(NoticeDto, AnnualNoticeDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(NoticeDto) }, { $ref: getSchemaPath(AnnualNoticeDto) }] } })
  notice(@Auth() auth: AuthUser, @Query() query: NoticeQuery): Promise<NoticeDto | AnnualNoticeDto | StreamableFile> {
    return this.service.notice(auth, query);
  }

  /** Publishes an ended month's notice (通报发布): its notice and assessments are stored and answer that month from then on; once per month. */
  @Post('reports/notice/publish')
  @Allow('discipline_office', 'admin')
  publish(@Auth() auth: AuthUser, @Body() dto: PublishMonthDto): Promise<PublishedMonthDto> {
    return this.publisher.publish(auth, dto);
  }

  /** Figures to poll: open findings by state, timeliness, supervision light, department and round type; twelve weeks; the oldest overdue. */
  @Get('dashboard')
  @AllowAnyUser()
  dashboard(@Auth() auth: AuthUser): Promise<DashboardDto> {
    return this.dashboards.dashboard(auth);
  }
}
