import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ClientRequest, type RequestContext } from '../common/request-context';
import { AllowSelfService, Auth, Public } from './access.decorator';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { LoginDto, LoginResponseDto, RefreshDto, TokensDto } from './identity.dto';

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
