import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsException } from '../common/api-error';
import { AppConfig } from '../config/app-config';
import { RateLimiters } from './rate-limiters';

/** Failed logins from one address are counted over a day, and reaching the limit locks it out for a day. */
const ADDRESS_WINDOW_SECONDS = 24 * 60 * 60;

/** A login attempt let through to the password check; its place in the counts is held until its outcome is known. */
export interface LoginAttempt {
  username: string;
  address: string;
  /** Failures in a row for this username from this address, this attempt counted as one. */
  inARow: number;
  /** Failures from this address within the day counted, this attempt counted as one. */
  fromAddress: number;
}

/** What a failure locked out, and for how long. */
export interface Lockout {
  scope: 'username at address' | 'address';
  seconds: number;
}

/**
 * rate-limiter-flexible's login endpoint protection. LOGIN_MAX_FAILURES failures in a row for one
 * username from one address lock that username out at that address for LOGIN_LOCKOUT_SECONDS (a
 * success starts the count again), so someone guessing elsewhere cannot lock a user out where the
 * user signs in; LOGIN_MAX_FAILURES_PER_ADDRESS failures from one address in a day, whatever the
 * usernames, lock the address out for a day. An attempt is counted before its password is checked
 * and given back if it succeeds, so parallel guesses cannot pass either limit.
 */
@Injectable()
export class LoginThrottle {
  private readonly byUsernameAtAddress: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(
    private readonly config: AppConfig,
    limiters: RateLimiters,
  ) {
    this.byUsernameAtAddress = limiters.create({
      keyPrefix: 'login_fail_username_at_address',
      points: config.LOGIN_MAX_FAILURES,
      duration: config.LOGIN_LOCKOUT_SECONDS,
    });
    this.byAddress = limiters.create({
      keyPrefix: 'login_fail_address_per_day',
      points: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      duration: ADDRESS_WINDOW_SECONDS,
    });
  }

  /** Counts an attempt, before its password is checked; 429 while the username at this address, or the address, is locked out. */
  async begin(username: string, address: string): Promise<LoginAttempt> {
    const inARow = await take(this.byUsernameAtAddress, pairKey(username, address));
    try {
      return { username, address, inARow, fromAddress: await take(this.byAddress, address) };
    } catch (refusal) {
      await this.byUsernameAtAddress.reward(pairKey(username, address));
      throw refusal;
    }
  }

  /** The attempt failed: it stays counted, and the failure that reaches a limit locks out. */
  async failed(attempt: LoginAttempt): Promise<Lockout[]> {
    const lockouts: Lockout[] = [];
    if (attempt.inARow >= this.byUsernameAtAddress.points) {
      await this.byUsernameAtAddress.block(pairKey(attempt.username, attempt.address), this.config.LOGIN_LOCKOUT_SECONDS);
      lockouts.push({ scope: 'username at address', seconds: this.config.LOGIN_LOCKOUT_SECONDS });
    }
    if (attempt.fromAddress >= this.byAddress.points) {
      await this.byAddress.block(attempt.address, ADDRESS_WINDOW_SECONDS);
      lockouts.push({ scope: 'address', seconds: ADDRESS_WINDOW_SECONDS });
    }
    return lockouts;
  }

  /** The attempt succeeded: the failures in a row end, and the address is not charged for it. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await Promise.all([this.byUsernameAtAddress.delete(pairKey(attempt.username, attempt.address)), this.byAddress.reward(attempt.address)]);
  }
}

/** An address never holds a space, so the pair cannot be read two ways. */
const pairKey = (username: string, address: string) => `${address} ${username.toLowerCase()}`;

/** Takes one point, or answers 429 with how long until the lockout ends. */
async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    return (await limiter.consume(key)).consumedPoints;
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    throw new TooManyRequestsException('Too many failed logins: try again later', Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
  }
}
