import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { AttachmentsService } from './attachments.service';

const HOURLY = 3_600_000;

/** Removes unused uploads hourly, while the scheduler runs (SCHEDULER_INTERVAL_MS > 0). */
@Injectable()
export class AttachmentCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(attachments: AttachmentsService, config: AppConfig) {
    this.task = new PeriodicTask(AttachmentCleanup.name, config.SCHEDULER_INTERVAL_MS > 0 ? HOURLY : 0, () => attachments.removeUnused());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
