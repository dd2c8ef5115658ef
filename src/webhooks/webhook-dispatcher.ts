import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Metrics } from '../metrics/metrics';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';
import { postJson, signature, timestampedSignature } from './webhook-network';

/** Deliveries tried at once by one instance. */
const BATCH = 20;

interface Claimed {
  delivery: WebhookDeliveryEntity;
  endpoint: WebhookEndpointEntity;
}

interface Outcome {
  delivery: WebhookDeliveryEntity;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Sends queued webhook deliveries. A delivery is leased before it is sent and the outcome written
 * after, in transactions of their own, so no lock is held across the network. A crash in between
 * lets the lease run out and the delivery is sent again: a delivery may repeat, never vanish.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.task = new PeriodicTask(WebhookDispatcher.name, config.SCHEDULER_INTERVAL_MS, () => this.deliverDue(), db);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Before the database closes: a run under way records the batch it leased, and leases no more. */
  onModuleDestroy(): Promise<void> {
    this.stopping = true;
    return this.task.stop();
  }

  /** Tries every delivery due now; answers how many were tried. */
  async deliverDue(): Promise<number> {
    let tried = 0;
    for (;;) {
      const claimed = await this.db.write(null, (manager) => this.claim(manager));
      if (claimed.length === 0) return tried;
      const outcomes = await Promise.all(claimed.map((c) => this.attempt(c)));
      await this.db.write(null, (manager) => this.record(manager, outcomes));
      tried += claimed.length;
      if (claimed.length < BATCH || this.stopping) return tried;
    }
  }

  /** Leases due deliveries; on PostgreSQL, rows another instance is leasing right now are skipped. */
  async claim(manager: EntityManager): Promise<Claimed[]> {
    const now = this.clock.now();
    const due = manager
      .createQueryBuilder(WebhookDeliveryEntity, 'delivery')
      .select('delivery.id', 'id')
      .where("delivery.status = 'pending'")
      .andWhere('delivery.nextAttemptAt <= :now', { now })
      .andWhere('(delivery.leaseUntil IS NULL OR delivery.leaseUntil <= :now)', { now })
      .orderBy('delivery.nextAttemptAt', 'ASC')
      .limit(BATCH);
    if (this.db.isPostgres) due.setLock('pessimistic_write').setOnLocked('skip_locked');
    const ids = (await due.getRawMany<{ id: string }>()).map((row) => row.id);
    if (ids.length === 0) return [];
    // Long enough for the slowest answer allowed, with room to write it down.
    await manager.update(WebhookDeliveryEntity, { id: In(ids) }, { leaseUntil: new Date(now.getTime() + this.config.WEBHOOK_TIMEOUT_MS + 30_000) });
    const deliveries = await manager.findBy(WebhookDeliveryEntity, { id: In(ids) });
    const endpoints = await manager.findBy(WebhookEndpointEntity, { id: In([...new Set(deliveries.map((d) => d.endpointId))]) });
    return deliveries.map((delivery) => ({ delivery, endpoint: endpoints.find((e) => e.id === delivery.endpointId)! }));
  }

  private async attempt({ delivery, endpoint }: Claimed): Promise<Outcome> {
    const at = this.clock.now();
    const started = performance.now();
    const headers = {
      'user-agent': 'triple-round-webhooks/1',
      'x-signature-256': signature(endpoint.secret, delivery.body),
      'x-webhook-signature': timestampedSignature(endpoint.secret, delivery.body, at),
      'x-delivery-id': delivery.id,
      'x-notice-type': delivery.type,
    };
    const options = { timeoutMs: this.config.WEBHOOK_TIMEOUT_MS, allowPrivateNetworks: this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS };
    try {
      const statusCode = await postJson(new URL(endpoint.url), delivery.body, headers, options);
      const error = statusCode >= 200 && statusCode < 300 ? null : `answered ${statusCode}`;
      return { delivery, at, statusCode, error, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { delivery, at, statusCode: null, error: message.slice(0, 500), durationMs: Math.round(performance.now() - started) };
    }
  }

  /** Logs each try; a failure waits WEBHOOK_BACKOFF_MS, doubled for every failure before it, until WEBHOOK_MAX_ATTEMPTS. */
  private async record(manager: EntityManager, outcomes: Outcome[]): Promise<void> {
    const now = this.clock.now();
    for (const { delivery, at, statusCode, error, durationMs } of outcomes) {
      const attempts = delivery.attempts + 1;
      await manager.insert(WebhookAttemptEntity, { id: randomUUID(), deliveryId: delivery.id, attempt: attempts, at, statusCode, error, durationMs });
      const changes: Partial<WebhookDeliveryEntity> =
        error === null
          ? { status: 'delivered', deliveredAt: now }
          : attempts >= this.config.WEBHOOK_MAX_ATTEMPTS
            ? { status: 'dead' }
            : { nextAttemptAt: new Date(now.getTime() + this.config.WEBHOOK_BACKOFF_MS * 2 ** (attempts - 1)) };
      await manager.update(WebhookDeliveryEntity, { id: delivery.id }, { ...changes, attempts, lastError: error, leaseUntil: null });
      this.metrics.webhookAttempts.inc({ outcome: changes.status ?? 'failed' });
    }
  }
}
