import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Database } from '../database/database';

/**
 * Runs `work` now and then every `intervalMs` after the previous run ends; an interval of 0 never
 * runs it. A run is skipped while another process on the database runs the task (Database.exclusively):
 * however many workers and instances, each task runs once at a time per database. A failed run is
 * logged and the next one comes as usual.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** Nudged while a run was under way: the next run follows it as soon as the gap allows. */
  private again = false;
  /** When the timer set now fires (performance.now()), and when the last run began. */
  private dueAt = 0;
  private lastStart = -Infinity;

  /**
   * `nudgeGapMs`: the least time between the starts of two runs when nudges call for them, so a
   * stream of nudges (one per commit under load) makes a run every so often, not one per nudge.
   */
  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly db: Pick<Database, 'exclusively'>,
    private readonly nudgeGapMs = 0,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    if (this.intervalMs > 0) this.schedule(0);
  }

  /** Runs `work` as soon as it can, without waiting for the interval: now, or right after the run under way (the gap allowing). */
  nudge(): void {
    if (this.stopped || !this.timer) return;
    if (this.running) return void (this.again = true);
    const delay = this.gapLeft();
    if (performance.now() + delay >= this.dueAt) return;
    clearTimeout(this.timer);
    this.schedule(delay);
  }

  /** Stops the schedule and waits for a run under way, so it does not outlive the database connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private gapLeft(): number {
    return Math.max(0, this.lastStart + this.nudgeGapMs - performance.now());
  }

  private schedule(delay: number): void {
    this.dueAt = performance.now() + delay;
    this.timer = setTimeout(() => {
      this.lastStart = performance.now();
      this.running = this.db
        .exclusively(this.name, this.work)
        .then(
          () => undefined,
          (error: unknown) => this.logger.error(`Run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.again ? this.gapLeft() : this.intervalMs);
          this.again = false;
        });
    }, delay);
    this.timer.unref();
  }
}

/** A periodic task that starts with the application and stops with it. */
export abstract class ApplicationTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly task: PeriodicTask;

  protected constructor(db: Pick<Database, 'exclusively'>, name: string, intervalMs: number, work: () => Promise<unknown>, nudgeGapMs = 0) {
    this.task = new PeriodicTask(name, intervalMs, work, db, nudgeGapMs);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}

/** Hourly housekeeping runs while the scheduler does (SCHEDULER_INTERVAL_MS > 0), and not at all otherwise. */
export const hourlyWhileScheduling = (config: { SCHEDULER_INTERVAL_MS: number }): number => (config.SCHEDULER_INTERVAL_MS > 0 ? 3_600_000 : 0);
