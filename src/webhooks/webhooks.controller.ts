import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { CreateWebhookDto, ListDeliveriesQuery, MarkIntegrityDto, WebhookDeliveryDto, WebhookDto } from './webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  @Post()
  @Allow('admin')
  create(@Auth() auth: AuthUser, @Body() dto: CreateWebhookDto): Promise<WebhookDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Allow('admin', 'discipline_office')
  list(@Auth() auth: AuthUser): Promise<WebhookDto[]> {
    return this.service.list(auth);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  remove(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.remove(auth, id);
  }

  /** Whether the endpoint takes integrity notices: the discipline office marks it (an administrator cannot). */
  @Put(':id/integrity')
  @Allow('discipline_office')
  markIntegrity(@Auth() auth: AuthUser, @UuidParam() id: string, @Body() dto: MarkIntegrityDto): Promise<WebhookDto> {
    return this.service.markIntegrity(auth, id, dto);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(200)
  @Allow('admin')
  retry(@Auth() auth: AuthUser, @UuidParam() id: string, @UuidParam('deliveryId') deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.service.retry(auth, id, deliveryId);
  }

  @Get(':id/deliveries')
  @Allow('admin')
  @ApiPage(WebhookDeliveryDto)
  deliveries(@Auth() auth: AuthUser, @UuidParam() id: string, @Query() query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryDto>> {
    return this.service.deliveries(auth, id, query);
  }
}
