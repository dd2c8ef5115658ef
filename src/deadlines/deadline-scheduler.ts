import { HttpException, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, Snapshot, nextTimer, resolveWorkflow, restore, sameTimer } from '../../workflows';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { WorkflowEngine } from '../engine/workflow.engine';
import { FindingEntity } from '../findings/finding.entity';
import { FINDING } from '../findings/finding.kind';
import { Metrics } from '../metrics/metrics';
import { FindingTimerEntity } from './finding-timer.entity';
import { FindingTimersRepository } from './finding-timers.repository';

/** How long a timer that failed for an unexpected reason waits before it is tried again. */
const RETRY_FAILED_AFTER_MS = 60_000;

/**
 * Makes time send DUE_SOON, DEADLINE_PASSED and ESCALATE. Every finding transition keeps the
 * finding's next timer in the same transaction; the scheduler fires due timers through the engine
 * as `system`, so each firing is audited, and the firing itself schedules the next.
 */
@Injectable()
export class DeadlineScheduler implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeadlineScheduler.name);
  private readonly task: PeriodicTask;
  /** Set when the service stops: a run finishes the batch it is on and claims no more. */
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly timers: FindingTimersRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.task = new PeriodicTask(DeadlineScheduler.name, config.SCHEDULER_INTERVAL_MS, () => this.runDue(), db);
  }

  onModuleInit(): void {
    this.engine.onTransition<FindingEntity>('finding', (manager, applied, before) => this.reschedule(manager, applied.row.id, before, applied.snapshot));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduleUntimed();
    // Timers that fell due while the service was down fire on the first run, at once.
    this.task.start();
  }

  /** Before the database closes: a run under way finishes its batch first. */
  onModuleDestroy(): Promise<void> {
    this.stopping = true;
    return this.task.stop();
  }

  /**
   * Fires every timer due now, in batches, until none is left: a firing may schedule a next timer
   * that is already due (after downtime, overdue follows due soon at once). Answers how many events were applied.
   */
  async runDue(): Promise<number> {
    // On PostgreSQL several transactions fire side by side, skipping each other's claims; SQLite has one writer.
    const workers = this.db.isPostgres ? this.config.SCHEDULER_WORKERS : 1;
    const fired = await Promise.all(
      Array.from({ length: workers }, async () => {
        let count = 0;
        for (;;) {
          const batch = await this.fireDue();
          count += batch.fired;
          if (batch.claimed === 0 || this.stopping) return count;
        }
      }),
    );
    return fired.reduce((sum, count) => sum + count, 0);
  }

  /**
   * One batch in one transaction. Should it fail for another reason than a refusal (a snapshot this
   * build cannot restore, say), its timers are fired one to a transaction, and a timer that fails
   * alone waits RETRY_FAILED_AFTER_MS: one broken finding holds up no other.
   */
  private async fireDue(): Promise<{ claimed: number; fired: number }> {
    try {
      return await this.db.write(null, (manager) => this.fireBatch(manager));
    } catch (error) {
      this.logger.error(`A batch of timers failed; firing them one by one: ${String(error)}`);
    }
    const due = await this.db.read((manager) => this.timers.claimDue(manager, this.clock.now(), this.config.SCHEDULER_BATCH_SIZE, false));
    let fired = 0;
    for (const { findingId } of due) {
      try {
        fired += (await this.db.write(null, (manager) => this.fireBatch(manager, findingId))).fired;
      } catch (error) {
        this.logger.error(`Timer of finding ${findingId} failed; trying again in ${RETRY_FAILED_AFTER_MS / 1000} s: ${String(error)}`);
        await this.db.write(null, (manager) => this.timers.postpone(manager, findingId, new Date(this.clock.now().getTime() + RETRY_FAILED_AFTER_MS)));
      }
    }
    return { claimed: due.length, fired };
  }

  private async fireBatch(manager: EntityManager, findingId?: string): Promise<{ claimed: number; fired: number }> {
    const now = this.clock.now();
    const due = await this.timers.claimDue(manager, now, this.config.SCHEDULER_BATCH_SIZE, this.db.isPostgres, findingId);
    this.metrics.schedulerBatches.observe(due.length);
    for (const timer of due) this.metrics.schedulerLag.observe((now.getTime() - timer.dueAt.getTime()) / 1000);
    let fired = 0;
    for (const timer of due) {
      const event = {
        type: timer.event,
        dueAt: timer.dueAt.toISOString(),
        ...(timer.level !== null && { level: timer.level }),
        ...this.engine.envelope(SYSTEM_ACTOR),
      };
      try {
        await this.engine.applyWithin(manager, FINDING, timer.findingId, event);
        fired++;
      } catch (error) {
        // Refused before anything was written: the timer no longer fits the finding.
        if (!(error instanceof HttpException)) throw error;
        await this.replaceStale(manager, timer, error.message);
      }
    }
    return { claimed: due.length, fired };
  }

  private async reschedule(manager: EntityManager, findingId: string, before: Snapshot, after: Snapshot): Promise<void> {
    const policy = this.config.timerPolicy;
    const next = nextTimer(after, policy);
    if (!sameTimer(nextTimer(before, policy), next)) await this.timers.put(manager, findingId, next, this.clock.now());
  }

  /** Puts the timer the finding's snapshot calls for in place of one the machine refused. */
  private async replaceStale(manager: EntityManager, stale: FindingTimerEntity, reason: string): Promise<void> {
    const finding = await manager.findOneByOrFail(FindingEntity, { id: stale.findingId });
    const expected = nextTimer(restore(resolveWorkflow(finding.workflowId, finding.workflowVersion), finding.snapshot), this.config.timerPolicy);
    const sameAsStale = expected?.event === stale.event && expected.level === stale.level;
    this.logger.warn(`Timer ${stale.event} of finding ${stale.findingId} was refused (${reason}); ${sameAsStale || !expected ? 'cleared' : `replaced by ${expected.event}`}`);
    await this.timers.put(manager, stale.findingId, sameAsStale ? null : expected, this.clock.now());
  }

  /** A finding this build cannot restore is logged and left without a timer: it must not stop the service from starting. */
  private async scheduleUntimed(): Promise<void> {
    await this.db.write(null, async (manager) => {
      for (const finding of await this.timers.untimed(manager)) {
        let timer;
        try {
          timer = nextTimer(restore(resolveWorkflow(finding.workflowId, finding.workflowVersion), finding.snapshot), this.config.timerPolicy);
        } catch (error) {
          this.logger.error(`Finding ${finding.id} gets no timer: ${String(error)}`);
          continue;
        }
        if (timer) await this.timers.put(manager, finding.id, timer, this.clock.now());
      }
    });
  }
}
