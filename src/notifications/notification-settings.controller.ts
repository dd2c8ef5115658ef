import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowOwnAccount, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { NotificationSettingsDto } from './notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notification-settings')
export class NotificationSettingsController {
  constructor(private readonly service: NotificationSettingsService) {}

  /** Which notices the caller wants on each channel (everything until they choose), and their quiet hours. The inbox gets everything regardless. */
  @Get()
  @AllowOwnAccount()
  get(@Auth() auth: AuthUser): Promise<NotificationSettingsDto> {
    return this.service.get(auth);
  }

  /** Replaces them whole; 400 naming the field for a channel without the mandatory types or quiet hours that start where they end. */
  @Put()
  @AllowOwnAccount()
  put(@Auth() auth: AuthUser, @Body() dto: NotificationSettingsDto): Promise<NotificationSettingsDto> {
    return this.service.put(auth, dto);
  }
}
