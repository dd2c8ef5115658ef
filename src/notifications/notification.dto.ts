import { ApiProperty } from '@nestjs/swagger';
import { INBOX_NOTICE_TYPES, type InboxNoticeType } from '../../workflows';
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
  @ApiProperty({ enum: INBOX_NOTICE_TYPES })
  type: InboxNoticeType;
  /** The finding a finding notice is about; null for a round notice or an announcement. */
  findingId: string | null;
  /** The round a round notice (`round_planned`, `round_tomorrow`) is about; null otherwise. */
  roundId: string | null;
  /** The announcement an `announcement` notice carries; null otherwise. */
  announcementId: string | null;
  /**
   * The event that caused it, the finding's title and deadline, and for escalations the level; for a
   * round notice its date and department; for an announcement its title and body (plain text).
   */
  detail: NoticeDetail;
  createdAt: Date;
  readAt: Date | null;

  static from(entity: NotificationEntity): NotificationDto {
    return {
      id: entity.id,
      type: entity.type,
      findingId: entity.findingId,
      roundId: entity.roundId,
      announcementId: entity.announcementId,
      detail: entity.detail,
      createdAt: entity.createdAt,
      readAt: entity.readAt,
    };
  }
}
