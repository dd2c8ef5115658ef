import { Controller, Get, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { AuditEntryDto, AuditTrailQuery, ChainHeadDto, ChainHeadQuery, ChainVerificationDto, ChainVerificationJobDto, ListAuditQuery } from './audit.dto';
import { JobStartedDto } from '../jobs/job.dto';
import { AuditService } from './audit.service';
import { CaseFileDto, CaseFileQuery } from './case-file.dto';
import { CaseFileService } from './case-file.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(
    private readonly service: AuditService,
    private readonly caseFiles: CaseFileService,
  ) {}

  @Get('findings/:id/audit')
  @AllowAnyUser()
  @ApiPage(AuditEntryDto)
  findingTrail(@Auth() auth: AuthUser, @UuidParam() id: string, @Query() query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.service.findingTrail(auth, id, query);
  }

  /** The finding's whole history with each entry's chain link and each file's check; `?format=html` to print. */
  @Get('findings/:id/case-file')
  @AllowAnyUser()
  @ApiExtraModels(CaseFileDto)
  @ApiOkResponse({
    content: { 'application/json': { schema: { $ref: getSchemaPath(CaseFileDto) } }, 'text/html': { schema: { type: 'string' } } },
  })
  caseFile(@Auth() auth: AuthUser, @UuidParam() id: string, @Query() query: CaseFileQuery): Promise<CaseFileDto | StreamableFile> {
    return this.caseFiles.caseFile(auth, id, query);
  }

  @Get('rounds/:id/audit')
  @AllowAnyUser()
  @ApiPage(AuditEntryDto)
  roundTrail(@Auth() auth: AuthUser, @UuidParam() id: string, @Query() query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.service.roundTrail(auth, id, query);
  }

  @Get('audit')
  @Allow('discipline_office', 'admin')
  @ApiPage(AuditEntryDto)
  list(@Auth() auth: AuthUser, @Query() query: ListAuditQuery): Promise<Page<AuditEntryDto>> {
    return this.service.list(auth, query);
  }

  /** Recomputes the whole chain and every evidence file's hash. */
  @Get('audit/verify')
  @Allow('discipline_office', 'admin')
  verify(): Promise<ChainVerificationDto> {
    return this.service.verify();
  }

  /** Recomputes the chain and the files' hashes in the background: poll the job for entries checked and the outcome. */
  @Post('audit/verifications')
  @Allow('discipline_office', 'admin')
  @HttpCode(202)
  startVerification(@Auth() auth: AuthUser): Promise<JobStartedDto> {
    return this.service.startVerification(auth);
  }

  /** A verification job of the caller's: entries checked of the total, then the outcome (404 for anyone else's). */
  @Get('audit/verifications/:id')
  @Allow('discipline_office', 'admin')
  verification(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<ChainVerificationJobDto> {
    return this.service.verification(auth, id);
  }

  @Get('audit/head')
  @Allow('discipline_office', 'admin')
  head(@Query() query: ChainHeadQuery): Promise<ChainHeadDto> {
    return this.service.head(query);
  }
}
