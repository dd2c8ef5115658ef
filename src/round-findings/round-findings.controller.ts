import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/params';
import { FindingDto, LogFindingDto } from '../findings/finding.dto';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { RoundFindingsService } from './round-findings.service';

@ApiTags('findings')
@ApiBearerAuth()
@Controller('rounds/:id/findings')
export class RoundFindingsController {
  constructor(private readonly service: RoundFindingsService) {}

  @Post()
  @Allow('inspector', 'round_lead')
  log(@Auth() auth: AuthUser, @UuidParam() roundId: string, @Body() dto: LogFindingDto): Promise<FindingDto> {
    return this.service.log(auth, roundId, dto);
  }
}
