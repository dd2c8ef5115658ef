import { Injectable, Logger } from '@nestjs/common';
import { ApplicationTask } from '../common/periodic-task';
import { Database } from '../database/database';
import { IdempotencyStore } from './idempotency.store';

const PURGE_EVERY_MS = 3_600_000;

/** Forgets Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS, at start and hourly. */
@Injectable()
export class IdempotencyPurgeService extends ApplicationTask {
  private readonly logger = new Logger(IdempotencyPurgeService.name);

  constructor(
    private readonly db: Database,
    private readonly store: IdempotencyStore,
  ) {
    super(db, IdempotencyPurgeService.name, PURGE_EVERY_MS, () => this.purge());
  }

  private async purge(): Promise<void> {
    const purged = await this.db.write(null, (manager) => this.store.purgeExpired(manager));
    if (purged > 0) this.logger.log(`Forgot ${purged} expired idempotency keys`);
  }
}
