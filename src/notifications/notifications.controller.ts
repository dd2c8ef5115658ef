import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { AllowAnyUser, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { ListNotificationsQuery, NotificationDto } from './notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly service: NotificationsService) {}

  @Get()
  @AllowAnyUser()
  @ApiPage(NotificationDto)
  list(@Auth() auth: AuthUser, @Query() query: ListNotificationsQuery): Promise<Page<NotificationDto>> {
    return this.service.list(auth, query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @AllowAnyUser()
  markRead(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<NotificationDto> {
    return this.service.markRead(auth, id);
  }
}
