import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { AnswersSecret } from '../idempotency/idempotency.guard';
import { Allow, Auth } from './access.decorator';
import type { AuthUser } from './auth-user';
import { CreateUserDto, ListUsersQuery, PasswordResetDto, UpdateUserDto, UserDto } from './identity.dto';
import { UsersService } from './users.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly service: UsersService) {}

  @Post()
  @Allow('admin')
  create(@Auth() auth: AuthUser, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.service.create(auth, dto);
  }

  /** The discipline office reads accounts too: it gives the discipline_office role. */
  @Get()
  @Allow('admin', 'discipline_office')
  @ApiPage(UserDto)
  list(@Auth() auth: AuthUser, @Query() query: ListUsersQuery): Promise<Page<UserDto>> {
    return this.service.list(auth, query);
  }

  /** Nobody changes their own roles; the discipline_office role is the discipline office's to give (an administrator appoints only the first), the rest is an administrator's. */
  @Patch(':id')
  @Allow('admin', 'discipline_office')
  update(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.service.update(auth, id, dto);
  }

  /** An administrator's, but for accounts with integrity authority: the discipline office's (403 otherwise). */
  @Post(':id/password-reset')
  @HttpCode(200)
  @Allow('admin', 'discipline_office')
  @AnswersSecret()
  resetPassword(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<PasswordResetDto> {
    return this.service.resetPassword(auth, id);
  }
}
