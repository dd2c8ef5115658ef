import { Controller, Get, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UuidParam } from '../common/params';
import { AllowAnyUser, AllowAnyWriter, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { AttachmentDto } from './attachment.dto';
import { AttachmentsService } from './attachments.service';

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly service: AttachmentsService) {}

  /**
   * A photo (JPEG, PNG, HEIC), PDF or Office document; 415 for any other content, 413 over the size
   * or pixel limit, 429 past the uploader's daily quota, 507 while the storage is nearly full.
   */
  @Post()
  @AllowAnyWriter()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, effectiveDate: { type: 'string', format: 'date' } },
    },
  })
  upload(@Auth() auth: AuthUser, @Req() request: FastifyRequest): Promise<AttachmentDto> {
    return this.service.upload(auth, request);
  }

  @Get(':id')
  @AllowAnyUser()
  @ApiProduces('application/octet-stream')
  download(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<StreamableFile> {
    return this.service.download(auth, id);
  }

  @Get(':id/metadata')
  @AllowAnyUser()
  get(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<AttachmentDto> {
    return this.service.get(auth, id);
  }

  @Get(':id/thumbnail')
  @AllowAnyUser()
  @ApiProduces('image/jpeg')
  thumbnail(@Auth() auth: AuthUser, @UuidParam() id: string): Promise<StreamableFile> {
    return this.service.thumbnail(auth, id);
  }
}
