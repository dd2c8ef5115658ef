import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { NotificationOutbox } from './notification-outbox';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationEntity } from './notification.entity';
import { RoundNotices } from './round-notices';

@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), WebhooksModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsRepository, NotificationOutbox, RoundNotices],
  exports: [RoundNotices, NotificationsRepository],
})
export class NotificationsModule {}
