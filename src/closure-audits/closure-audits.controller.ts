import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page, PageQuery } from '../common/pagination';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { ClosureAuditItemDto, ClosureSampleDto, DrawSampleDto } from './closure-audit.dto';
import { ClosureAuditsService } from './closure-audits.service';

@ApiTags('closure audits')
@ApiBearerAuth()
@Controller('closure-audits')
export class ClosureAuditsController {
  constructor(private readonly service: ClosureAuditsService) {}

  /** Findings waiting for the closure audit (required first, then sampled); decide them with AUDIT_APPROVE, AUDIT_REJECT or REOPEN. */
  @Get()
  @Allow('discipline_office', 'admin')
  @ApiPage(ClosureAuditItemDto)
  queue(@Auth() auth: AuthUser, @Query() query: PageQuery): Promise<Page<ClosureAuditItemDto>> {
    return this.service.queue(auth, query);
  }

  /** Draws a month's sample now rather than after the month ends; a month is drawn once. */
  @Post('samples')
  @Allow('discipline_office')
  draw(@Auth() auth: AuthUser, @Body() dto: DrawSampleDto): Promise<ClosureSampleDto> {
    return this.service.draw(auth, dto);
  }
}
