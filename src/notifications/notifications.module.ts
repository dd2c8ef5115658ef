import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { NotificationOutbox } from './notification-outbox';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationEntity } from './notification.entity';
import { NotificationSettingsController } from './notification-settings.controller';
import { NotificationSettingsEntity } from './notification-settings.entity';
import { NotificationSettingsService } from './notification-settings.service';
import { RoundNotices } from './round-notices';

@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity, NotificationSettingsEntity]), WebhooksModule],
  controllers: [NotificationsController, NotificationSettingsController],
  providers: [NotificationsService, NotificationsRepository, NotificationOutbox, RoundNotices, NotificationSettingsService],
  exports: [RoundNotices, NotificationsRepository],
})
export class NotificationsModule {}
