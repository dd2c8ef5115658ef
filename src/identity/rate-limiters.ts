import { Injectable } from '@nestjs/common';
import { IRateLimiterOptions, RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Makes the service's rate limiters: the one place that says where their counters are kept. Today
 * that is this process, so a restart forgets them and each instance counts on its own; a store
 * shared by every instance (rate-limiter-flexible has one for PostgreSQL) is made here instead.
 */
@Injectable()
export class RateLimiters {
  create(options: Required<Pick<IRateLimiterOptions, 'keyPrefix' | 'points' | 'duration'>>): RateLimiterAbstract {
    return new RateLimiterMemory(options);
  }
}
