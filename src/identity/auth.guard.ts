import { CanActivate, ExecutionContext, ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { createHash, timingSafeEqual } from 'node:crypto';
import { requestContextOf } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { TokenSetting, routeAccess } from './access.decorator';
import type { AuthUser } from './auth-user';
import { DEVICE_TOKEN_PREFIX, hashToken } from './tokens';
import { IdentityRepository } from './identity.repository';

export interface AccessTokenPayload {
  sub: string;
  /** The user's token version when issued; a bump revokes every older token. */
  ver: number;
  /** The sign-in session; revoking it (logout) ends the token at once. */
  sid: string;
}

type VerifiedToken = AccessTokenPayload & { exp: number };

/** Tokens whose signature was checked, until they expire: a client sends the same one for minutes. */
const VERIFIED_TOKENS = 10_000;

/**
 * The access guard: reads each route's declared access, authenticates the bearer token (a
 * person's access token or a tablet's device token), checks roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS });

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly identity: IdentityRepository,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context);
    if (!access) throw new ForbiddenException('This route declares no access rule');
    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: AuthUser }>();
    if (access.public) return access.token === undefined || this.presentsToken(request, access.token);

    const { auth, mustChangePassword } = await this.authenticate(request);
    if (mustChangePassword && !access.selfService) {
      throw new ForbiddenException('Your password was reset: choose a new one first (POST /me/password)');
    }
    if (access.ownAccount && auth.credential.kind === 'device') {
      throw new ForbiddenException('A tablet has no account of its own: its user changes their account signed in, and an administrator revokes a tablet (DELETE /devices/:id)');
    }
    if (!access.roles.some((role) => auth.roles.includes(role))) {
      throw new ForbiddenException(`Requires one of the roles: ${access.roles.join(', ')}`);
    }
    request.auth = auth;
    return true;
  }

  /** 404 while the setting is unset; 401 unless the bearer token is the setting's, compared in constant time. */
  private presentsToken(request: FastifyRequest, setting: TokenSetting): true {
    const expected = this.config[setting];
    if (expected === undefined) throw new NotFoundException();
    const [scheme, token] = request.headers.authorization?.split(' ') ?? [];
    // Digests of equal length, so the comparison takes the same time whatever was sent.
    const digest = (text: string) => createHash('sha256').update(text).digest();
    if (scheme !== 'Bearer' || !token || !timingSafeEqual(digest(token), digest(expected))) throw new UnauthorizedException(`The bearer token ${setting} holds is required`);
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<{ auth: AuthUser; mustChangePassword: boolean }> {
    const [scheme, token] = request.headers.authorization?.split(' ') ?? [];
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('A bearer token is required');
    const context = requestContextOf(request);

    if (token.startsWith(DEVICE_TOKEN_PREFIX)) {
      const device = await this.identity.findDeviceCaller(hashToken(token));
      // A tablet does inspector work only, and only while its user is active and still an inspector.
      if (!device || !device.active || !device.user.roles.includes('inspector')) {
        throw new UnauthorizedException('The device token is unknown or has been revoked');
      }
      const auth: AuthUser = { ...device.user, roles: ['inspector'], credential: { kind: 'device', deviceId: device.deviceId }, request: context };
      return { auth, mustChangePassword: false };
    }

    const payload = await this.verify(token);
    // Revocation (disabling, role change, password change, logout) is checked on every request, cached signature or not.
    const caller = await this.identity.findSessionCaller(payload.sub, payload.sid);
    if (!caller || !caller.active || caller.tokenVersion !== payload.ver) throw new UnauthorizedException('The token has been revoked');
    const auth: AuthUser = { ...caller.user, credential: { kind: 'session', sessionId: payload.sid }, request: context };
    return { auth, mustChangePassword: caller.mustChangePassword };
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
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new UnauthorizedException('The token is invalid or has expired');
    this.verified.set(token, payload, { ttl: Math.max(1, payload.exp * 1000 - Date.now()) });
    return payload;
  }
}
