import { Injectable, Logger } from '@nestjs/common';
import { ApplicationTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { RoundNotices } from '../notifications/round-notices';
import { RoundPlansService } from './round-plans.service';

/**
 * Plans recurring rounds as their dates come within the horizon; each plan in a unit of work of its
 * own, so one broken plan holds up no other. Then reminds the lead and team of tomorrow's rounds.
 */
@Injectable()
export class RoundPlanScheduler extends ApplicationTask {
  private readonly logger = new Logger(RoundPlanScheduler.name);

  constructor(
    private readonly plans: RoundPlansService,
    private readonly notices: RoundNotices,
    config: AppConfig,
    db: Database,
  ) {
    super(db, RoundPlanScheduler.name, config.SCHEDULER_INTERVAL_MS > 0 ? 60_000 : 0, () => this.runDue());
  }

  /** Answers how many rounds were planned. */
  async runDue(): Promise<number> {
    let planned = 0;
    for (const planId of await this.plans.livePlanIds()) {
      try {
        planned += await this.plans.materialisePlan(planId);
      } catch (error) {
        this.logger.error(`Round plan ${planId} planned nothing: ${String(error)}`);
      }
    }
    await this.notices.remindTomorrow();
    return planned;
  }
}
