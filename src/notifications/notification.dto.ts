import { ApiProperty } from '@nestjs/swagger';
import { NOTICE_TYPES, type NoticeType } from '../../workflows';
import { PageQuery } from '../common/pagination';
import { QueryFlag } from '../common/params';
import { NoticeDetail, NotificationEntity } from './notification.entity';

export class ListNotificationsQuery extends PageQuery {
  /** Only the unread ones. */
  @QueryFlag()
  unread?: boolean;
}

export class NotificationDto {
  id: string;
  @ApiProperty({ enum: NOTICE_TYPES })
  type: NoticeType;
  findingId: string;
  /** The event that caused it, the finding's title and deadline, and for escalations the level. */
  detail: NoticeDetail;
  createdAt: Date;
  readAt: Date | null;

  static from(entity: NotificationEntity): NotificationDto {
    return {
      id: entity.id,
      type: entity.type,
      findingId: entity.findingId,
      detail: entity.detail,
      createdAt: entity.createdAt,
      readAt: entity.readAt,
    };
  }
}
