import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
  /** Nudged while a run was under way: the next run follows it at once. */
  private again = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly db: Pick<Database, 'exclusively'>,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    if (this.intervalMs > 0) this.schedule(0);
  }

  /** Runs `work` as soon as it can, without waiting for the interval: now, or right after the run under way. */
  nudge(): void {
    if (this.stopped || !this.timer) return;
    if (this.running) return void (this.again = true);
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Stops the schedule and waits for a run under way, so it does not outlive the database connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.running = this.db
        .exclusively(this.name, this.work)
        .then(
          () => undefined,
          (error: unknown) => this.logger.error(`Run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.again ? 0 : this.intervalMs);
          this.again = false;
        });
    }, delay);
    this.timer.unref();
  }
}

/** A periodic task that starts with the application and stops with it. */
export abstract class ApplicationTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly task: PeriodicTask;

  protected constructor(db: Pick<Database, 'exclusively'>, name: string, intervalMs: number, work: () => Promise<unknown>) {
    this.task = new PeriodicTask(name, intervalMs, work, db);
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
