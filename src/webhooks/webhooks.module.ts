import { Module } from '@nestjs/common';
import { ChannelSender } from '../channels/channel-sender';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { PersonalEmailsController } from './personal-emails.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookEndpointEntity, WebhookDeliveryEntity, WebhookAttemptEntity } from './webhook.entities';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpointEntity, WebhookDeliveryEntity, WebhookAttemptEntity])],
  controllers: [WebhooksController, PersonalEmailsController],
  providers: [WebhooksService, WebhookOutbox, WebhookDispatcher, ChannelSender],
  exports: [WebhookOutbox, WebhookDispatcher],
})
export class WebhooksModule {}
