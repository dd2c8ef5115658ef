import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { instantParameter } from '../database/row-mapper';
import { Addressing } from '../access/addressees';
import { NotificationEntity } from './notification.entity';

@Injectable()
export class NotificationsRepository {
  /**
   * One notification for each active person addressed, but not `senderId`, in one statement:
   * each transition that notifies costs the same whoever and however many are told.
   */
  async insertFor(manager: EntityManager, notice: Omit<NotificationEntity, 'id' | 'recipientId' | 'readAt'>, to: Addressing, senderId: string): Promise<void> {
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "notifications" ("id", "recipientId", "noticeId", "type", "findingId", "detail", "createdAt", "readAt")
       SELECT gen_random_uuid(), "id", :noticeId, :type, :findingId, :detail, ${instantParameter(manager, 'createdAt')}, NULL FROM "users"
       WHERE "active" = :active AND "id" <> :senderId AND ${to.users}`,
      { ...to.parameters, ...notice, detail: JSON.stringify(notice.detail), active: true, senderId },
    );
    await manager.query(sql, values);
  }

  /** A person's notifications, unread first, newest first within each. */
  inbox(manager: EntityManager, recipientId: string, unreadOnly: boolean, limit: number, offset: number): Promise<[NotificationEntity[], number]> {
    const query = manager.createQueryBuilder(NotificationEntity, 'notification').where('notification.recipientId = :recipientId', { recipientId });
    if (unreadOnly) query.andWhere('notification.readAt IS NULL');
    return query
      .orderBy('CASE WHEN notification.readAt IS NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('notification.createdAt', 'DESC')
      .addOrderBy('notification.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
  }

  findOwn(manager: EntityManager, recipientId: string, id: string): Promise<NotificationEntity | null> {
    return manager.findOneBy(NotificationEntity, { id, recipientId });
  }

  /** Marks it read once; reading it again keeps the first time. */
  async markRead(manager: EntityManager, recipientId: string, id: string, at: Date): Promise<void> {
    await manager.update(NotificationEntity, { id, recipientId, readAt: IsNull() }, { readAt: at });
  }
}

