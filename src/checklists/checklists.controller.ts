import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { ChecklistDto, ListChecklistsQuery, PublishChecklistDto } from './checklist.dto';
import { ChecklistsService } from './checklists.service';

@ApiTags('checklists')
@ApiBearerAuth()
@Controller('checklists')
export class ChecklistsController {
  constructor(private readonly service: ChecklistsService) {}

  @Get()
  @AllowAnyUser()
  list(@Auth() auth: AuthUser, @Query() query: ListChecklistsQuery): Promise<ChecklistDto[]> {
    return this.service.list(auth, query);
  }

  @Get(':id')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<ChecklistDto> {
    return this.service.get(auth, id);
  }

  @Post()
  @Allow('admin')
  publish(@Auth() auth: AuthUser, @Body() dto: PublishChecklistDto): Promise<ChecklistDto> {
    return this.service.publish(auth, dto);
  }
}
