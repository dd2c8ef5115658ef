import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/pagination';
import { Allow, AllowAnyUser, Auth, Public } from './access.decorator';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { DepartmentsService } from './departments.service';
import {
  CreateDepartmentDto,
  CreateUserDto,
  DepartmentDto,
  ListDepartmentsQuery,
  ListUsersQuery,
  LoginDto,
  LoginResponseDto,
  UserDto,
} from './identity.dto';
import { UsersService } from './users.service';

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(private readonly service: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  login(@Body() dto: LoginDto): Promise<LoginResponseDto> {
    return this.service.login(dto);
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

  @Get()
  @Allow('admin')
  list(@Auth() auth: AuthUser, @Query() query: ListUsersQuery): Promise<Page<UserDto>> {
    return this.service.list(auth, query);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly service: DepartmentsService) {}

  @Post()
  @Allow('admin')
  create(@Auth() auth: AuthUser, @Body() dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.service.create(auth, dto);
  }

  /** Every user may list departments: tablets pick the responsible department from it. */
  @Get()
  @AllowAnyUser()
  list(@Auth() auth: AuthUser, @Query() query: ListDepartmentsQuery): Promise<Page<DepartmentDto>> {
    return this.service.list(auth, query);
  }
}
