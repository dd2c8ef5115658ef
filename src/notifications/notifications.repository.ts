import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { writeWithoutWaiting } from '../database/database';
import { instantParameter } from '../database/row-mapper';
import { Addressing } from '../access/addressees';
import { visibleFindings, visibleRounds, visibleRowExists } from '../access/visibility';
import type { AuthUser } from '../identity/auth-user';
import { NotificationEntity } from './notification.entity';

@Injectable()
export class NotificationsRepository {
  /**
   * One notification for each active person addressed, but not `senderId`, in one statement:
   * each transition that notifies costs the same whoever and however many are told. A round notice
   * or announcement someone already has is skipped (unique round, type and recipient; unique
   * announcement and recipient): exactly once across instances. Written without waiting for the answer.
   */
  async insertFor(manager: EntityManager, notice: Omit<NotificationEntity, 'id' | 'recipientId' | 'readAt'>, to: Addressing, senderId: string): Promise<void> {
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "notifications" ("id", "recipientId", "noticeId", "type", "findingId", "roundId", "announcementId", "detail", "createdAt", "readAt")
       SELECT gen_random_uuid(), "id", :noticeId, :type, :findingId, :roundId, :announcementId, :detail, ${instantParameter(manager, 'createdAt')}, NULL FROM "users"
       WHERE "active" = :active AND "id" <> :senderId AND ${to.users}
       ON CONFLICT DO NOTHING`,
      { ...to.parameters, ...notice, detail: JSON.stringify(notice.detail), active: true, senderId },
    );
    await writeWithoutWaiting(manager, sql, values);
  }

  /**
   * A person's notifications, unread first, newest first within each: announcements, and those about
   * findings and rounds they may still see (someone who left a department, or an integrity matter,
   * no longer reads of it).
   */
  inbox(manager: EntityManager, auth: AuthUser, unreadOnly: boolean, limit: number, offset: number): Promise<[NotificationEntity[], number]> {
    const query = this.own(manager, auth);
    if (unreadOnly) query.andWhere('notification.readAt IS NULL');
    return query
      .orderBy('CASE WHEN notification.readAt IS NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('notification.createdAt', 'DESC')
      .addOrderBy('notification.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
  }

  /** One of the person's notifications, as the inbox shows them. */
  findOwn(manager: EntityManager, auth: AuthUser, id: string): Promise<NotificationEntity | null> {
    return this.own(manager, auth).andWhere('notification.id = :id', { id }).getOne();
  }

  /** The person's announcements and notifications about a finding or a round they may see; both scopes name the same parameters alike. */
  private own(manager: EntityManager, auth: AuthUser) {
    const findings = visibleFindings(auth);
    const rounds = visibleRounds(auth);
    return manager
      .createQueryBuilder(NotificationEntity, 'notification')
      .where('notification.recipientId = :recipientId', { recipientId: auth.id })
      .andWhere(
        `("notification"."announcementId" IS NOT NULL OR ${visibleRowExists(findings, 'findings', '"notification"."findingId"')} OR ${visibleRowExists(rounds, 'rounds', '"notification"."roundId"')})`,
        { ...findings.parameters, ...rounds.parameters },
      );
  }

  /** Marks it read once; reading it again keeps the first time. */
  async markRead(manager: EntityManager, recipientId: string, id: string, at: Date): Promise<void> {
    await manager.update(NotificationEntity, { id, recipientId, readAt: IsNull() }, { readAt: at });
  }
}

