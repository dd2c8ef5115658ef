import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { NotificationOutbox } from './notification-outbox';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [WebhooksModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsRepository, NotificationOutbox],
})
export class NotificationsModule {}
