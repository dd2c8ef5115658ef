import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { ListDeliveriesQuery, WebhookDeliveryDto } from './webhook.dto';
import { WebhooksService } from './webhooks.service';

/** Each person's own e-mails: the outbox's deliveries owed to a person, read and sent again by an administrator. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('personal-emails')
export class PersonalEmailsController {
  constructor(private readonly service: WebhooksService) {}

  @Get()
  @Allow('admin')
  @ApiPage(WebhookDeliveryDto)
  list(@Auth() auth: AuthUser, @Query() query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryDto>> {
    return this.service.personalEmails(auth, query);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Allow('admin')
  retry(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<WebhookDeliveryDto> {
    return this.service.retryPersonalEmail(auth, id);
  }
}
