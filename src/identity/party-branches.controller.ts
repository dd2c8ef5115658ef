import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, AllowAnyUser, Auth } from './access.decorator';
import type { AuthUser } from './auth-user';
import { CreatePartyBranchDto, ListPartyBranchesQuery, PartyBranchDto, UpdatePartyBranchDto } from './party-branch.dto';
import { PartyBranchesService } from './party-branches.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('party-branches')
export class PartyBranchesController {
  constructor(private readonly service: PartyBranchesService) {}

  @Post()
  @Allow('admin')
  create(@Auth() auth: AuthUser, @Body() dto: CreatePartyBranchDto): Promise<PartyBranchDto> {
    return this.service.create(auth, dto);
  }

  /** Every user may read branches: lists are filtered and grouped by them. */
  @Get()
  @AllowAnyUser()
  @ApiPage(PartyBranchDto)
  list(@Auth() auth: AuthUser, @Query() query: ListPartyBranchesQuery): Promise<Page<PartyBranchDto>> {
    return this.service.list(auth, query);
  }

  @Get(':id')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<PartyBranchDto> {
    return this.service.get(auth, id);
  }

  @Patch(':id')
  @Allow('admin')
  update(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: UpdatePartyBranchDto): Promise<PartyBranchDto> {
    return this.service.update(auth, id, dto);
  }
}
