import { Module } from '@nestjs/common';
import { AttachmentCleanup } from './attachment-cleanup';
import { AttachmentStorage, DiskAttachmentStorage } from './attachment-storage';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentEntity } from './attachment.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AttachmentEntity])],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentCleanup, { provide: AttachmentStorage, useClass: DiskAttachmentStorage }],
  exports: [AttachmentsService, AttachmentStorage],
})
export class AttachmentsModule {}
