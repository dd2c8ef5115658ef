import { Injectable } from '@nestjs/common';
import { ApplicationTask, hourlyWhileScheduling } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { AttachmentsService } from './attachments.service';

/** Removes unused uploads at start and hourly. */
@Injectable()
export class AttachmentCleanup extends ApplicationTask {
  constructor(attachments: AttachmentsService, config: AppConfig, db: Database) {
    super(db, AttachmentCleanup.name, hourlyWhileScheduling(config), () => attachments.removeUnused());
  }
}
