import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AccessTokenPayload } from './auth.guard';
import { IdentityRepository } from './identity.repository';
import { LoginDto, LoginResponseDto, UserDto } from './identity.dto';
import { UNKNOWN_USER_HASH, verifyPassword } from './passwords';

@Injectable()
export class AuthService {
  constructor(
    private readonly identity: IdentityRepository,
    private readonly jwt: JwtService,
  ) {}

  async login(dto: LoginDto): Promise<LoginResponseDto> {
    const user = await this.identity.findUserByUsername(dto.username);
    const valid = await verifyPassword(user?.passwordHash ?? (await UNKNOWN_USER_HASH), dto.password);
    if (!user || !valid || !user.active) throw new UnauthorizedException('Invalid username or password');
    const payload: AccessTokenPayload = { sub: user.id, ver: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(payload), user: UserDto.from(user) };
  }
}
