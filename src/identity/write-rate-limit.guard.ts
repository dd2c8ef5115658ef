import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsException } from '../common/api-error';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from './auth-user';
import { RateLimiters } from './rate-limiters';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * At most WRITES_PER_MINUTE writes per user: a runaway tablet or a stolen token cannot flood the
 * audit log. Runs after AuthGuard; public routes (login) have their own throttle.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiterAbstract;

  constructor(config: AppConfig, limiters: RateLimiters) {
    this.limiter = limiters.create({ keyPrefix: 'writes', points: config.WRITES_PER_MINUTE, duration: 60 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: AuthUser }>();
    if (!request.auth || !WRITES.has(request.method)) return true;
    try {
      await this.limiter.consume(request.auth.id);
      return true;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new TooManyRequestsException('Too many writes: slow down', Math.ceil(refusal.msBeforeNext / 1000));
    }
  }
}
