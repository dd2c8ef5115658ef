import { Injectable } from '@nestjs/common';
import { ApplicationTask, hourlyWhileScheduling } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Jobs } from './jobs';

/**
 * At start and hourly: fails the jobs whose instance stopped reporting (an instance that died
 * mid-job), forgets expired jobs and removes their files.
 */
@Injectable()
export class JobHousekeeping extends ApplicationTask {
  constructor(jobs: Jobs, config: AppConfig, db: Database) {
    super(db, JobHousekeeping.name, hourlyWhileScheduling(config), () => jobs.housekeep());
  }
}
