import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnswersSecret } from '../idempotency/idempotency.guard';
import { AllowAnyUser, AllowOwnAccount, AllowSelfService, Auth } from './access.decorator';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { ChangePasswordDto, ContactDto, ContactFieldsDto, LoginResponseDto, MeDto } from './identity.dto';
import { UsersService } from './users.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly service: AuthService,
    private readonly users: UsersService,
  ) {}

  /** The signed-in account: who, which roles, which department; a tablet answers the account it acts as. */
  @Get()
  @AllowAnyUser()
  me(@Auth() auth: AuthUser): Promise<MeDto> {
    return this.service.me(auth);
  }

  /** Ends every other session and token of the caller and answers a fresh pair. */
  @Post('password')
  @HttpCode(200)
  @AllowSelfService()
  @AnswersSecret()
  changePassword(@Auth() auth: AuthUser, @Body() dto: ChangePasswordDto): Promise<LoginResponseDto> {
    return this.service.changePassword(auth, dto);
  }

  /** The caller's own contacts: a field left out is kept, null or "" clears it. Audited by field name, never by value. */
  @Patch('contact')
  @AllowOwnAccount()
  updateContact(@Auth() auth: AuthUser, @Body() dto: ContactFieldsDto): Promise<ContactDto> {
    return this.users.updateOwnContact(auth, dto);
  }
}
