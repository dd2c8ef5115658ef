import { Body, Controller, Delete, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { ListTypicalCasesQuery, MarkTypicalCaseDto, TypicalCaseDto } from './typical-case.dto';
import { TypicalCasesService } from './typical-cases.service';

@ApiTags('typical cases')
@ApiBearerAuth()
@Controller()
export class TypicalCasesController {
  constructor(private readonly service: TypicalCasesService) {}

  /** Marks a finding as a typical case (典型案例) for the annual notice, or changes why; the discipline office's. */
  @Put('findings/:id/typical-case')
  @Allow('discipline_office')
  mark(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: MarkTypicalCaseDto): Promise<TypicalCaseDto> {
    return this.service.mark(auth, id, dto);
  }

  @Delete('findings/:id/typical-case')
  @Allow('discipline_office')
  @HttpCode(204)
  unmark(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.unmark(auth, id);
  }

  /** The year's typical cases among the findings the caller may see. */
  @Get('typical-cases')
  @AllowAnyUser()
  @ApiPage(TypicalCaseDto)
  list(@Auth() auth: AuthUser, @Query() query: ListTypicalCasesQuery): Promise<Page<TypicalCaseDto>> {
    return this.service.list(auth, query);
  }
}
