import { Injectable, Logger } from '@nestjs/common';
import { ApplicationTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { RoundPlansService } from './round-plans.service';

/** Plans recurring rounds as their dates come within the horizon; each plan in a unit of work of its own, so one broken plan holds up no other. */
@Injectable()
export class RoundPlanScheduler extends ApplicationTask {
  private readonly logger = new Logger(RoundPlanScheduler.name);

  constructor(
    private readonly plans: RoundPlansService,
    config: AppConfig,
  ) {
    super(RoundPlanScheduler.name, config.SCHEDULER_INTERVAL_MS > 0 ? 60_000 : 0, () => this.runDue());
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
    return planned;
  }
}
