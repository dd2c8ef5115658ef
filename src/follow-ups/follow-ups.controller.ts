import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { FindingDto } from '../findings/finding.dto';
import { ListFollowUpsQuery } from './follow-up.dto';
import { FollowUpsService } from './follow-ups.service';

@ApiTags('follow-ups')
@ApiBearerAuth()
@Controller()
export class FollowUpsController {
  constructor(private readonly service: FollowUpsService) {}

  /** The lead office's queue of follow-up checks (回头看): closed findings with a check scheduled, the earliest due first. */
  @Get('follow-ups')
  @Allow('verifier', 'discipline_office')
  @ApiPage(FindingDto)
  list(@Auth() auth: AuthUser, @Query() query: ListFollowUpsQuery): Promise<Page<FindingDto>> {
    return this.service.list(auth, query);
  }
}
