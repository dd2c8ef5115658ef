import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/params';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { CreateRoundPlanDto, RoundPlanDto, SkipOccurrenceDto, UpdateRoundPlanDto } from './round-plan.dto';
import { RoundPlansService } from './round-plans.service';

@ApiTags('round-plans')
@ApiBearerAuth()
@Controller('round-plans')
export class RoundPlansController {
  constructor(private readonly service: RoundPlansService) {}

  @Post()
  @Allow('round_lead')
  create(@Auth() auth: AuthUser, @Body() dto: CreateRoundPlanDto): Promise<RoundPlanDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Allow('round_lead', 'inspector', 'leadership')
  list(@Auth() auth: AuthUser): Promise<RoundPlanDto[]> {
    return this.service.list(auth);
  }

  @Get(':id')
  @Allow('round_lead', 'inspector', 'leadership')
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<RoundPlanDto> {
    return this.service.get(auth, id);
  }

  @Patch(':id')
  @Allow('round_lead')
  update(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: UpdateRoundPlanDto): Promise<RoundPlanDto> {
    return this.service.update(auth, id, dto);
  }

  @Post(':id/skip')
  @HttpCode(200)
  @Allow('round_lead')
  skip(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: SkipOccurrenceDto): Promise<RoundPlanDto> {
    return this.service.skip(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('round_lead')
  remove(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.remove(auth, id);
  }
}
