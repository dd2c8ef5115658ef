import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnswersSecret } from '../idempotency/idempotency.guard';
import { AllowSelfService, Auth } from './access.decorator';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { ChangePasswordDto, LoginResponseDto } from './identity.dto';

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
