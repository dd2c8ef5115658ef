import { Injectable, Logger } from '@nestjs/common';
import { ApplicationTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { AnnouncementsService } from './announcements.service';

/**
 * Delivers announcements as their time comes, each in a unit of work of its own, so one that fails
 * holds up no other and is tried again at the next run.
 */
@Injectable()
export class AnnouncementScheduler extends ApplicationTask {
  private readonly logger = new Logger(AnnouncementScheduler.name);

  constructor(
    private readonly announcements: AnnouncementsService,
    config: AppConfig,
    db: Database,
  ) {
    super(db, AnnouncementScheduler.name, config.SCHEDULER_INTERVAL_MS, () => this.deliverDue());
  }

  /** Answers how many announcements this run delivered (another instance may have delivered the rest). */
  async deliverDue(): Promise<number> {
    let delivered = 0;
    for (const id of await this.announcements.dueIds()) {
      try {
        if (await this.announcements.deliver(id)) delivered += 1;
      } catch (error) {
        this.logger.error(`Announcement ${id} was not delivered: ${String(error)}`);
      }
    }
    return delivered;
  }
}
