import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { JwtService } from '@nestjs/jwt';
import { routeAccess } from './access.decorator';
import type { AuthUser } from './auth-user';
import { IdentityRepository } from './identity.repository';

export interface AccessTokenPayload {
  sub: string;
  /** The user's token version when issued; a bump revokes every older token. */
  ver: number;
}

type VerifiedToken = AccessTokenPayload & { exp: number };

/** Tokens whose signature was checked, until they expire: a tablet sends the same one all shift. */
const VERIFIED_TOKENS = 10_000;

/** The access guard: reads each route's declared access, authenticates the bearer token, checks roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS });

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly identity: IdentityRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context);
    if (!access) throw new ForbiddenException('This route declares no access rule');
    if (access.public) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: AuthUser }>();
    const user = await this.authenticate(request.headers.authorization);
    const auth: AuthUser = { ...user, request: { requestId: String(request.id).slice(0, 64) } };
    if (!access.roles.some((role) => auth.roles.includes(role))) {
      throw new ForbiddenException(`Requires one of the roles: ${access.roles.join(', ')}`);
    }
    request.auth = auth;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Omit<AuthUser, 'request'>> {
    const [scheme, token] = header?.split(' ') ?? [];
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('A bearer token is required');
    const payload = await this.verify(token);
    // Revocation (deactivation, password change) is checked on every request, cached signature or not.
    const user = await this.identity.findActiveUser(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) throw new UnauthorizedException('The token has been revoked');
    return user.auth;
  }

  private async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known) return known;
    let payload: VerifiedToken;
    try {
      payload = await this.jwt.verifyAsync<VerifiedToken>(token);
    } catch {
      throw new UnauthorizedException('The token is invalid or has expired');
    }
    this.verified.set(token, payload, { ttl: Math.max(1, payload.exp * 1000 - Date.now()) });
    return payload;
  }
}
