import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { KeyObject, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntityManager } from 'typeorm';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import type { RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import { seesContactsOf } from '../access/visibility';
import type { AccessTokenPayload } from './auth.guard';
import type { AuthUser } from './auth-user';
import { ChangePasswordDto, LoginDto, LoginResponseDto, MeDto, RefreshDto, TokensDto, UserDto } from './identity.dto';
import { IdentityRepository } from './identity.repository';
import { LoginAttempt, LoginThrottle } from './login-throttle';
import { UNKNOWN_USER_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { account, anonymous, recordSecurityEvent, signedIn, typedUsername, usernameHmacKey } from './security-events';
import { SessionEntity } from './session.entity';
import { hashToken, newSecret } from './tokens';
import { UserEntity } from './user.entity';

/** How long the secret a refresh replaced is still taken: long enough for a tablet to retry a lost answer. */
const REFRESH_RETRY_GRACE_MS = 60_000;

/** Sign-in, sessions and a user's own password. */
@Injectable()
export class AuthService {
  /** Keys the HMAC a failed login records in place of a name that is no account's. */
  private readonly usernameKey: KeyObject;

  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {
    this.usernameKey = usernameHmacKey(config.jwtSecret);
  }

  async login(client: RequestContext, dto: LoginDto): Promise<LoginResponseDto> {
    const attempt = await this.throttle.begin(dto.username, client.address);
    const user = await this.identity.findUserByUsername(dto.username);
    const valid = await verifyPassword(user?.passwordHash ?? (await UNKNOWN_USER_HASH), dto.password);
    if (!user || !valid || !user.active) {
      const reason = !user ? 'unknown username' : !valid ? 'wrong password' : 'account disabled';
      await this.recordFailedProof(client, attempt, user?.id ?? null, reason);
      throw new UnauthorizedException('Invalid username or password');
    }
    await this.throttle.succeeded(attempt);
    return this.db.write(client, async (manager) => {
      const tokens = await this.openSession(manager, user);
      recordSecurityEvent(manager, {
        at: this.clock.now(),
        type: 'LOGIN_SUCCEEDED',
        actor: account(user, client),
        entityType: 'user',
        entityId: user.id,
      });
      return { ...tokens, user: UserDto.from(user, seesContactsOf(user, user)) };
    });
  }

  /** Rotates the refresh token; a replaced one presented again (after a short grace for retries) ends the session. */
  async refresh(client: RequestContext, dto: RefreshDto): Promise<TokensDto> {
    const [sessionId, secret] = dto.refreshToken.split('.');
    const outcome = await this.db.write(client, async (manager) => {
      const now = this.clock.now();
      const session = await RowMapper.of(manager, SessionEntity).findById(manager, sessionId, { lock: true });
      if (!session || session.revokedAt || session.expiresAt <= now || !secret) return null;
      const presented = hashToken(secret);
      const retried = presented === session.previousSecretHash && now.getTime() - session.refreshedAt.getTime() < REFRESH_RETRY_GRACE_MS;
      if (presented !== session.secretHash && !retried) {
        await manager.update(SessionEntity, { id: session.id }, { revokedAt: now });
        recordSecurityEvent(manager, {
          at: now,
          type: 'SESSION_REVOKED',
          actor: anonymous(client),
          entityType: 'user',
          entityId: session.userId,
          payload: { sessionId: session.id, reason: 'a replaced refresh token was presented again' },
        });
        return null;
      }
      const user = await manager.findOneBy(UserEntity, { id: session.userId });
      if (!user?.active) return null;
      const next = newSecret();
      await manager.update(
        SessionEntity,
        { id: session.id },
        {
          secretHash: hashToken(next),
          // A retry keeps the grace window of the refresh it repeats, so retries cannot extend it.
          ...(retried ? {} : { previousSecretHash: session.secretHash, refreshedAt: now }),
          expiresAt: this.sessionExpiry(now),
        },
      );
      return { accessToken: await this.sign(user, session.id), refreshToken: `${session.id}.${next}` };
    });
    if (!outcome) throw new UnauthorizedException('The refresh token is invalid, expired or revoked');
    return outcome;
  }

  async logout(auth: AuthUser): Promise<void> {
    const sessionId = this.sessionOf(auth);
    await this.db.write(auth.request, async (manager) => {
      const at = this.clock.now();
      await manager.update(SessionEntity, { id: sessionId }, { revokedAt: at });
      recordSecurityEvent(manager, { at, type: 'LOGOUT', actor: signedIn(auth), entityType: 'user', entityId: auth.id, payload: { sessionId } });
    });
  }

  /**
   * A user's own password change: ends every session and token of the user, then signs this
   * caller in again. A wrong current password counts as a failed login.
   */
  me(auth: AuthUser): Promise<MeDto> {
    return this.db.read(async (manager) => {
      const user = await manager.findOneByOrFail(UserEntity, { id: auth.id });
      const department = user.departmentId ? await this.identity.findDepartment(manager, user.departmentId) : null;
      const deviceId = auth.credential.kind === 'device' ? auth.credential.deviceId : null;
      // A tablet's roles are the ones it acts with (inspector), not all its account holds.
      return { ...UserDto.from(user, seesContactsOf(auth, user)), roles: auth.roles, departmentName: department?.name ?? null, leadOfficeFor: department?.leadOfficeFor ?? [], deviceId, timeZone: this.config.TIME_ZONE };
    });
  }

  async changePassword(auth: AuthUser, dto: ChangePasswordDto): Promise<LoginResponseDto> {
    const attempt = await this.throttle.begin(auth.username, auth.request.address);
    const user = await this.identity.findUserByUsername(auth.username);
    if (!user || !(await verifyPassword(user.passwordHash, dto.currentPassword))) {
      await this.recordFailedProof(auth.request, attempt, auth.id, 'wrong current password on a password change');
      throw new InvalidInputException([{ field: 'currentPassword', reason: 'is not your current password' }]);
    }
    await this.throttle.succeeded(attempt);
    const problem = passwordProblem(dto.newPassword, user.username);
    if (problem) throw new InvalidInputException([{ field: 'newPassword', reason: problem }]);
    if (dto.newPassword === dto.currentPassword) {
      throw new InvalidInputException([{ field: 'newPassword', reason: 'must differ from the current password' }]);
    }
    const passwordHash = await hashPassword(dto.newPassword);
    return this.db.write(auth.request, async (manager) => {
      const at = this.clock.now();
      await this.identity.invalidateTokens(manager, user.id, at);
      await manager.update(UserEntity, { id: user.id }, { passwordHash, mustChangePassword: false });
      recordSecurityEvent(manager, { at, type: 'PASSWORD_CHANGED', actor: account(user, auth.request), entityType: 'user', entityId: user.id });
      const changed = (await manager.findOneBy(UserEntity, { id: user.id }))!;
      return { ...(await this.openSession(manager, changed)), user: UserDto.from(changed, seesContactsOf(auth, changed)) };
    });
  }

  /**
   * A wrong password, at login or on a password change: counted towards a lockout, audited (with
   * the lockout it causes), and answered later each time in a row. The name typed is kept in clear
   * only when it is an account's (`userId`).
   */
  private async recordFailedProof(client: RequestContext, attempt: LoginAttempt, userId: string | null, reason: string): Promise<void> {
    const lockedOut = await this.throttle.failed(attempt);
    const typed = typedUsername(attempt.username, userId !== null, this.usernameKey);
    await this.db.write(client, async (manager) => {
      const at = this.clock.now();
      const subject = { actor: anonymous(client), entityType: 'user', entityId: userId } as const;
      recordSecurityEvent(manager, { ...subject, at, type: 'LOGIN_FAILED', payload: { ...typed, reason } });
      if (lockedOut.length > 0) recordSecurityEvent(manager, { ...subject, at, type: 'LOGIN_LOCKED_OUT', payload: { ...typed, lockedOut } });
    });
    // Each failure in a row answers later than the one before: guessing slows down before it locks out.
    await sleep((attempt.inARow - 1) * this.config.LOGIN_SLOWDOWN_MS);
  }

  private async openSession(manager: EntityManager, user: UserEntity): Promise<TokensDto> {
    const now = this.clock.now();
    const secret = newSecret();
    const session: SessionEntity = {
      id: randomUUID(),
      userId: user.id,
      secretHash: hashToken(secret),
      previousSecretHash: null,
      createdAt: now,
      refreshedAt: now,
      expiresAt: this.sessionExpiry(now),
      revokedAt: null,
    };
    await manager.insert(SessionEntity, session);
    return { accessToken: await this.sign(user, session.id), refreshToken: `${session.id}.${secret}` };
  }

  private sign(user: UserEntity, sessionId: string): Promise<string> {
    return this.jwt.signAsync({ sub: user.id, ver: user.tokenVersion, sid: sessionId } satisfies AccessTokenPayload);
  }

  private sessionExpiry(from: Date): Date {
    return new Date(from.getTime() + this.config.REFRESH_TOKEN_TTL_HOURS * 3_600_000);
  }

  /** Self-service routes are closed to tablets by the guard (AllowSelfService). */
  private sessionOf(auth: AuthUser): string {
    if (auth.credential.kind !== 'session') throw new ForbiddenException('Only a person signed in may do this');
    return auth.credential.sessionId;
  }
}
