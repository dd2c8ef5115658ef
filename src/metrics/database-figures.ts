import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { unlinkedCount } from '../audit/audit-verifier';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { FindingTimerEntity } from '../deadlines/finding-timer.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook.entities';
import { Metrics } from './metrics';

/**
 * Figures read from the database when Prometheus scrapes: backlogs, the audit chain's head, the
 * connection pool. Every worker reads the database's figures alike: the scrape takes the highest
 * reading rather than their sum; each worker's pool is its own, and those are summed.
 */
@Injectable()
export class DatabaseFigures implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly db: Database,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    // PostgreSQL's connection pool (pg); SQLite has one connection and no pool. Registered first, so a
    // scrape reads it before the figures below ask the pool for connections of their own.
    if (this.db.isPostgres) {
      this.metrics.gaugeAtScrape('db_pool_connections', 'Connections of the PostgreSQL pool: open in all, idle, and requests waiting for one', ['state'], async (gauge) => {
        const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
        gauge.set({ state: 'total' }, pool.totalCount);
        gauge.set({ state: 'idle' }, pool.idleCount);
        gauge.set({ state: 'waiting' }, pool.waitingCount);
      });
    }
    this.metrics.gaugeAtScrape('scheduler_due_timers', 'Timers due now and not yet fired', [], async (gauge) => {
      gauge.set(await this.db.read((manager) => manager.countBy(FindingTimerEntity, { dueAt: LessThanOrEqual(this.clock.now()) })));
    }, 'max');
    this.metrics.gaugeAtScrape('webhook_deliveries', 'Webhook deliveries still to make (pending) and given up (dead)', ['status'], async (gauge) => {
      for (const status of ['pending', 'dead'] as const) gauge.set({ status }, await this.db.read((manager) => manager.countBy(WebhookDeliveryEntity, { status })));
    }, 'max');
    this.metrics.gaugeAtScrape('audit_chain_head_seq', "The audit chain's last linked entry (its sequence number; 0 while empty)", [], async (gauge) => {
      const head = await this.db.read((manager) => manager.createQueryBuilder(AuditEntryEntity, 'entry').select('MAX(entry.seq)', 'seq').getRawOne<{ seq: number | null }>());
      gauge.set(Number(head?.seq ?? 0));
    }, 'max');
    // PostgreSQL links entries shortly after they commit: a figure that stays up means the sealer is held back.
    this.metrics.gaugeAtScrape('audit_entries_unlinked', 'Audit entries written and not linked to the chain yet', [], async (gauge) => {
      gauge.set(await this.db.read(unlinkedCount));
    }, 'max');
  }
}
