import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import type { AuthUser } from '../identity/auth-user';
import { ListNotificationsQuery, NotificationDto } from './notification.dto';
import { NotificationsRepository } from './notifications.repository';

/** A person's in-app inbox: only their own notifications, ever. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsRepository,
    private readonly clock: Clock,
  ) {}

  async list(auth: AuthUser, query: ListNotificationsQuery): Promise<Page<NotificationDto>> {
    const [items, total] = await this.db.read((manager) =>
      this.notifications.inbox(manager, auth, query.unread === true, query.limit, query.offset),
    );
    return page(items.map(NotificationDto.from), total, query);
  }

  markRead(auth: AuthUser, id: string): Promise<NotificationDto> {
    return this.db.write(auth.request, async (manager) => {
      await this.notifications.markRead(manager, auth.id, id, this.clock.now());
      const notification = await this.notifications.findOwn(manager, auth, id);
      if (!notification) throw new NotFoundException(`No notification ${id}`);
      return NotificationDto.from(notification);
    });
  }
}
