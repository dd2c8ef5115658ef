import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import type { RoundType } from '../../workflows';
import { oncePerTransaction } from '../database/transaction-cache';
import { DepartmentEntity } from '../identity/department.entity';
import { UserEntity } from '../identity/user.entity';
import { Addressee } from './addressees';
import { NotificationEntity } from './notification.entity';

@Injectable()
export class NotificationsRepository {
  /** The departments leading a round type (牵头科室). */
  leadOffices(manager: EntityManager, roundType: RoundType): Promise<string[]> {
    return oncePerTransaction(manager, `lead-offices:${roundType}`, async () => {
      const rows = await manager
        .createQueryBuilder(DepartmentEntity, 'department')
        .select('department.id', 'id')
        .where('department.leadOfficeFor LIKE :type', { type: `%"${roundType}"%` })
        .getRawMany<{ id: string }>();
      return rows.map((row) => row.id);
    });
  }

  /** The active people an addressee means. */
  recipients(manager: EntityManager, addressee: Addressee): Promise<string[]> {
    const key = `recipients:${addressee.role}:${addressee.departmentId ?? '*'}:${addressee.userId ?? '*'}`;
    return oncePerTransaction(manager, key, async () => {
      const query = manager
        .createQueryBuilder(UserEntity, 'user')
        .select('user.id', 'id')
        .where('user.active = :active', { active: true })
        .andWhere('user.roles LIKE :role', { role: `%"${addressee.role}"%` });
      if (addressee.departmentId !== null) query.andWhere('user.departmentId = :departmentId', { departmentId: addressee.departmentId });
      if (addressee.userId !== undefined) query.andWhere('user.id = :userId', { userId: addressee.userId });
      return (await query.getRawMany<{ id: string }>()).map((row) => row.id);
    });
  }

  async insert(manager: EntityManager, notifications: NotificationEntity[]): Promise<void> {
    if (notifications.length > 0) await manager.insert(NotificationEntity, notifications);
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
