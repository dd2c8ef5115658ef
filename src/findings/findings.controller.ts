import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiHeader, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { EventBodyPipe } from '../common/event-body.pipe';
import { ApiPage, Page } from '../common/pagination';
import { IfMatch, UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { FINDING_EVENT_DTOS, FindingDto, type FindingEventBody, ListFindingsQuery, RegisterFindingDto } from './finding.dto';
import { BULK_FINDING_EVENT_DTOS, BulkEventsAnswerDto, BulkEventsDto, type BulkFindingEventBody } from './bulk-events.dto';
import { FindingsService } from './findings.service';

@ApiTags('findings')
@ApiBearerAuth()
@ApiExtraModels(...Object.values(FINDING_EVENT_DTOS))
@Controller()
export class FindingsController {
  constructor(private readonly service: FindingsService) {}

  @Get('findings')
  @AllowAnyUser()
  @ApiPage(FindingDto)
  list(@Auth() auth: AuthUser, @Query() query: ListFindingsQuery): Promise<Page<FindingDto>> {
    return this.service.list(auth, query);
  }

  @Post('findings')
  @Allow('verifier', 'round_lead', 'discipline_office', 'department_staff')
  register(@Auth() auth: AuthUser, @Body() dto: RegisterFindingDto): Promise<FindingDto> {
    return this.service.register(auth, dto);
  }

  @Post('findings/bulk-events')
  @HttpCode(200)
  @Allow('round_lead', 'department_staff', 'verifier', 'discipline_office')
  @ApiBody({ type: BulkEventsDto })
  sendToEach(
    @Auth() auth: AuthUser,
    @Body() dto: BulkEventsDto,
    @Body('event', new EventBodyPipe(BULK_FINDING_EVENT_DTOS, 'event')) event: BulkFindingEventBody,
  ): Promise<BulkEventsAnswerDto> {
    return this.service.sendToEach(auth, dto.findingIds, event);
  }

  @Get('findings/:id')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<FindingDto> {
    return this.service.get(auth, id);
  }

  @Post('findings/:id/events')
  @HttpCode(200)
  @Allow('round_lead', 'department_staff', 'verifier', 'discipline_office')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version the client last saw; 412 if it changed' })
  @ApiBody({ schema: { oneOf: Object.values(FINDING_EVENT_DTOS).map((dto) => ({ $ref: getSchemaPath(dto) })) } })
  send(
    @Auth() auth: AuthUser,
    @UuidParam() id: string,
    @Body(new EventBodyPipe(FINDING_EVENT_DTOS)) event: FindingEventBody,
    @IfMatch() ifMatch?: number,
  ): Promise<FindingDto> {
    return this.service.send(auth, id, event, ifMatch);
  }
}
