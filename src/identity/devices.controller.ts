import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { AnswersSecret } from '../idempotency/idempotency.guard';
import { Allow, Auth } from './access.decorator';
import type { AuthUser } from './auth-user';
import { DevicesService } from './devices.service';
import { DeviceDto, ListDevicesQuery, RegisterDeviceDto, RegisteredDeviceDto } from './identity.dto';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly service: DevicesService) {}

  @Post()
  @Allow('admin')
  @AnswersSecret()
  register(@Auth() auth: AuthUser, @Body() dto: RegisterDeviceDto): Promise<RegisteredDeviceDto> {
    return this.service.register(auth, dto);
  }

  @Get()
  @Allow('admin')
  @ApiPage(DeviceDto)
  list(@Auth() auth: AuthUser, @Query() query: ListDevicesQuery): Promise<Page<DeviceDto>> {
    return this.service.list(auth, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  revoke(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.revoke(auth, id);
  }
}
