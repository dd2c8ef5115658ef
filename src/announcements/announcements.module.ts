import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AnnouncementEntity } from './announcement.entity';
import { AnnouncementScheduler } from './announcement-scheduler';
import { AnnouncementsController } from './announcements.controller';
import { AnnouncementsService } from './announcements.service';

@Module({
  imports: [TypeOrmModule.forFeature([AnnouncementEntity]), NotificationsModule, WebhooksModule],
  controllers: [AnnouncementsController],
  providers: [AnnouncementsService, AnnouncementScheduler],
})
export class AnnouncementsModule {}
