import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { ClientRequest, type RequestContext } from '../common/request-context';
import { AnswersSecret } from '../idempotency/idempotency.guard';
import { Allow, AllowAnyUser, AllowSelfService, Auth, Public } from './access.decorator';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { DepartmentsService } from './departments.service';
import { DevicesService } from './devices.service';
import {
  ChangePasswordDto,
  CreateDepartmentDto,
  CreateUserDto,
  DepartmentDto,
  DeviceDto,
  ListDepartmentsQuery,
  ListDevicesQuery,
  ListUsersQuery,
  LoginDto,
  LoginResponseDto,
  PasswordResetDto,
  RefreshDto,
  RegisterDeviceDto,
  RegisteredDeviceDto,
  TokensDto,
  UpdateUserDto,
  UserDto,
} from './identity.dto';
import { UsersService } from './users.service';

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(private readonly service: AuthService) {}

  /** Throttled: failures slow down, then lock the username out at that address, or the address (429 with Retry-After). */
  @Post('login')
  @HttpCode(200)
  @Public()
  login(@ClientRequest() client: RequestContext, @Body() dto: LoginDto): Promise<LoginResponseDto> {
    return this.service.login(client, dto);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  refresh(@ClientRequest() client: RequestContext, @Body() dto: RefreshDto): Promise<TokensDto> {
    return this.service.refresh(client, dto);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @AllowSelfService()
  logout(@Auth() auth: AuthUser): Promise<void> {
    return this.service.logout(auth);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly service: AuthService) {}

  /** Ends every other session and token of the caller and answers a fresh pair. */
  @Post('password')
  @HttpCode(200)
  @AllowSelfService()
  @AnswersSecret()
  changePassword(@Auth() auth: AuthUser, @Body() dto: ChangePasswordDto): Promise<LoginResponseDto> {
    return this.service.changePassword(auth, dto);
  }
}

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

@ApiTags('identity')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly service: DevicesService) {}

  @Post()
  @Allow('admin')
  @AnswersSecret()
  register(@Auth() auth: AuthUser, @Body() dto: RegisterDeviceDto): Promise<RegisteredDeviceDto> {
    return this.service.register(auth, dto);
  }

  @Get()
  @Allow('admin')
  @ApiPage(DeviceDto)
  list(@Auth() auth: AuthUser, @Query() query: ListDevicesQuery): Promise<Page<DeviceDto>> {
    return this.service.list(auth, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  revoke(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.revoke(auth, id);
  }
}

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
}
