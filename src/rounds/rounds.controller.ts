import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiHeader, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { EventBodyPipe } from '../common/event-body.pipe';
import { ApiPage, Page } from '../common/pagination';
import { IfMatch, UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { CreateRoundDto, ListRoundsQuery, ROUND_EVENT_DTOS, RecordResultDto, RoundDto, RoundResultsDto, type RoundEventBody } from './round.dto';
import { RoundsService } from './rounds.service';

@ApiTags('rounds')
@ApiBearerAuth()
@ApiExtraModels(...Object.values(ROUND_EVENT_DTOS))
@Controller('rounds')
export class RoundsController {
  constructor(private readonly service: RoundsService) {}

  @Post()
  @Allow('round_lead')
  create(@Auth() auth: AuthUser, @Body() dto: CreateRoundDto): Promise<RoundDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @AllowAnyUser()
  @ApiPage(RoundDto)
  list(@Auth() auth: AuthUser, @Query() query: ListRoundsQuery): Promise<Page<RoundDto>> {
    return this.service.list(auth, query);
  }

  @Get(':id')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<RoundDto> {
    return this.service.get(auth, id);
  }

  @Post(':id/events')
  @HttpCode(200)
  @Allow('round_lead')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version the client last saw; 412 if it changed' })
  @ApiBody({ schema: { oneOf: Object.values(ROUND_EVENT_DTOS).map((dto) => ({ $ref: getSchemaPath(dto) })) } })
  send(
    @Auth() auth: AuthUser,
    @UuidParam() id: string,
    @Body(new EventBodyPipe(ROUND_EVENT_DTOS)) event: RoundEventBody,
    @IfMatch() ifMatch?: number,
  ): Promise<RoundDto> {
    return this.service.send(auth, id, event, ifMatch);
  }

  @Get(':id/results')
  @AllowAnyUser()
  results(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<RoundResultsDto> {
    return this.service.results(auth, id);
  }

  @Put(':id/results/:itemCode')
  @Allow('inspector', 'round_lead')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version the client last saw; 412 if it changed' })
  recordResult(
    @Auth() auth: AuthUser,
    @UuidParam() id: string,
    @Param('itemCode') itemCode: string,
    @Body() dto: RecordResultDto,
    @IfMatch() ifMatch?: number,
  ): Promise<RoundResultsDto> {
    return this.service.recordResult(auth, id, itemCode, dto, ifMatch);
  }
}
