import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/params';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { AnnouncementDto, CreateAnnouncementDto } from './announcement.dto';
import { AnnouncementsService } from './announcements.service';

@ApiTags('announcements')
@ApiBearerAuth()
@Controller('announcements')
export class AnnouncementsController {
  constructor(private readonly service: AnnouncementsService) {}

  @Post()
  @Allow('discipline_office', 'admin')
  create(@Auth() auth: AuthUser, @Body() dto: CreateAnnouncementDto): Promise<AnnouncementDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Allow('discipline_office', 'admin')
  list(@Auth() auth: AuthUser): Promise<AnnouncementDto[]> {
    return this.service.list(auth);
  }

  @Get(':id')
  @Allow('discipline_office', 'admin')
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<AnnouncementDto> {
    return this.service.get(auth, id);
  }

  /** Cancels it before delivery; 409 once delivered. */
  @Delete(':id')
  @HttpCode(204)
  @Allow('discipline_office', 'admin')
  cancel(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.service.cancel(auth, id);
  }
}
