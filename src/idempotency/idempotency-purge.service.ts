import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '../database/database';
import { IdempotencyStore } from './idempotency.store';

const PURGE_EVERY_MS = 3_600_000;

/** Forgets Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS, at start and hourly. */
@Injectable()
export class IdempotencyPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPurgeService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly store: IdempotencyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.purge();
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async purge(): Promise<void> {
    try {
      const purged = await this.db.write(null, (manager) => this.store.purgeExpired(manager));
      if (purged > 0) this.logger.log(`Forgot ${purged} expired idempotency keys`);
    } catch (error) {
      this.logger.error(`Purging idempotency keys failed: ${String(error)}`);
    }
  }
}
