import { Injectable } from '@nestjs/common';
import { ApplicationTask, hourlyWhileScheduling } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { ClosureAuditsService } from './closure-audits.service';

/** Draws last month's sample, if nobody has, at start and hourly. */
@Injectable()
export class ClosureAuditSampler extends ApplicationTask {
  constructor(closureAudits: ClosureAuditsService, config: AppConfig, db: Database) {
    super(db, ClosureAuditSampler.name, hourlyWhileScheduling(config), () => closureAudits.drawLastMonth());
  }
}
