import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { InterviewDto, ListInterviewsQuery, RecordInterviewDto } from './interview.dto';
import { InterviewsService } from './interviews.service';

@ApiTags('interviews')
@ApiBearerAuth()
@Controller()
export class InterviewsController {
  constructor(private readonly service: InterviewsService) {}

  /** Records an admonition interview (约谈); the discipline office's and the lead offices'. */
  @Post('interviews')
  @Allow('discipline_office', 'verifier', 'round_lead')
  record(@Auth() auth: AuthUser, @Body() dto: RecordInterviewDto): Promise<InterviewDto> {
    return this.service.record(auth, dto);
  }

  /** The interviews the caller may read, the latest held first. */
  @Get('interviews')
  @AllowAnyUser()
  @ApiPage(InterviewDto)
  list(@Auth() auth: AuthUser, @Query() query: ListInterviewsQuery): Promise<Page<InterviewDto>> {
    return this.service.list(auth, query);
  }

  @Get('interviews/:id')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<InterviewDto> {
    return this.service.get(auth, id);
  }
}
