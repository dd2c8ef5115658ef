import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsException } from '../common/api-error';
import { AppConfig } from '../config/app-config';

/**
 * Counts failed logins per account and per client address over LOGIN_LOCKOUT_SECONDS; reaching
 * the limit locks that account or address out for as long. Counters live in this process: a
 * restart forgets them, and several instances each count on their own.
 */
@Injectable()
export class LoginThrottle {
  private readonly byAccount: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(private readonly config: AppConfig) {
    const duration = config.LOGIN_LOCKOUT_SECONDS;
    this.byAccount = new RateLimiterMemory({ keyPrefix: 'account', points: config.LOGIN_MAX_FAILURES, duration });
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'address', points: config.LOGIN_MAX_FAILURES_PER_ADDRESS, duration });
  }

  /** 429 while the account or the address is locked out; the password is not even checked. */
  async assertOpen(username: string, address: string): Promise<void> {
    const [account, from] = await Promise.all([this.byAccount.get(accountKey(username)), this.byAddress.get(address)]);
    const waitMs = Math.max(lockedFor(account, this.byAccount.points), lockedFor(from, this.byAddress.points));
    if (waitMs > 0) {
      throw new TooManyRequestsException('Too many failed logins: try again later', Math.ceil(waitMs / 1000));
    }
  }

  /** Counts one failure: how many in a row for the account, and what it locked out, if anything. */
  async recordFailure(username: string, address: string): Promise<{ failures: number; lockedOut: ('account' | 'address')[] }> {
    const lockedOut: ('account' | 'address')[] = [];
    const count = async (limiter: RateLimiterMemory, key: string, what: 'account' | 'address') => {
      const { consumedPoints } = await limiter.penalty(key, 1);
      if (consumedPoints === limiter.points) {
        await limiter.block(key, this.config.LOGIN_LOCKOUT_SECONDS);
        lockedOut.push(what);
      }
      return consumedPoints;
    };
    const failures = await count(this.byAccount, accountKey(username), 'account');
    await count(this.byAddress, address, 'address');
    return { failures, lockedOut };
  }

  /** A successful login clears the account's failures (not the address's: one success must not unlock a sweep). */
  async recordSuccess(username: string): Promise<void> {
    await this.byAccount.delete(accountKey(username));
  }
}

const accountKey = (username: string) => username.toLowerCase();

/** `block` records one point over the limit; anything at or under it is still open. */
const lockedFor = (state: RateLimiterRes | null, points: number): number =>
  state !== null && state.consumedPoints > points ? state.msBeforeNext : 0;
