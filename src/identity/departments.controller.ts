import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from './access.decorator';
import type { AuthUser } from './auth-user';
import { DepartmentsService } from './departments.service';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQuery, UpdateDepartmentDto } from './identity.dto';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly service: DepartmentsService) {}

  /** An administrator's; a discipline-office user creates the integrity lead office only (an administrator may make it only while no discipline office exists). */
  @Post()
  @Allow('admin', 'discipline_office')
  create(@Auth() auth: AuthUser, @Body() dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.service.create(auth, dto);
  }

  /** Every user may list departments: tablets pick the responsible department from it. */
  @Get()
  @AllowAnyUser()
  @ApiPage(DepartmentDto)
  list(@Auth() auth: AuthUser, @Query() query: ListDepartmentsQuery): Promise<Page<DepartmentDto>> {
    return this.service.list(auth, query);
  }

  /** An administrator's: the name, kind, lead offices and Party branch of a department; its code stays. */
  @Patch(':id')
  @Allow('admin')
  update(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.service.update(auth, id, dto);
  }
}
