import { HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, IsNull } from 'typeorm';
import { ANNOUNCEMENT_NOTICE, SYSTEM_ACTOR } from '../../workflows';
import { announcementAudience } from '../access/addressees';
import { appendAudit } from '../audit/audit-writer';
import { ApiException, InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { NoticeDetail, NotificationEntity } from '../notifications/notification.entity';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AnnouncementDto, CreateAnnouncementDto } from './announcement.dto';
import { AnnouncementEntity } from './announcement.entity';

/** The event an announcement's inbox copy and webhook body name. */
const PUBLISH = 'PUBLISH';

/**
 * Announcements: written and cancelled by the discipline office or an administrator, delivered by
 * the scheduler at their time through the inbox and the webhooks, each exactly once.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly clock: Clock,
  ) {}

  create(auth: AuthUser, dto: CreateAnnouncementDto): Promise<AnnouncementDto> {
    const roles = dto.audience.roles ?? [];
    const departmentIds = dto.audience.departmentIds ?? [];
    if (roles.length === 0 && departmentIds.length === 0) {
      throw new InvalidInputException([{ field: 'audience', reason: 'must name at least one role or department' }]);
    }
    return this.db.write(auth.request, async (manager) => {
      if (departmentIds.length > 0 && (await manager.countBy(DepartmentEntity, { id: In(departmentIds) })) !== departmentIds.length) {
        throw new InvalidInputException([{ field: 'audience.departmentIds', reason: 'names an unknown department' }]);
      }
      const announcement: AnnouncementEntity = {
        id: randomUUID(),
        title: dto.title,
        body: dto.body,
        audienceRoles: roles,
        audienceDepartmentIds: departmentIds,
        publishAt: new Date(dto.publishAt),
        createdBy: auth.id,
        createdAt: this.clock.now(),
        cancelledBy: null,
        cancelledAt: null,
        deliveredAt: null,
        recipientCount: null,
      };
      await manager.insert(AnnouncementEntity, announcement);
      this.audit(manager, auth, announcement.id, 'ANNOUNCEMENT_CREATED', { title: dto.title, audience: { roles, departmentIds }, publishAt: announcement.publishAt.toISOString() });
      return AnnouncementDto.from(announcement);
    });
  }

  /** Newest publishing time first. */
  async list(_auth: AuthUser): Promise<AnnouncementDto[]> {
    const announcements = await this.db.read((manager) => manager.find(AnnouncementEntity, { order: { publishAt: 'DESC', id: 'ASC' } }));
    return announcements.map(AnnouncementDto.from);
  }

  async get(_auth: AuthUser, id: string): Promise<AnnouncementDto> {
    return AnnouncementDto.from(await this.db.read((manager) => this.find(manager, id)));
  }

  /** Cancels it before delivery (again: nothing changes); once delivered it cannot be recalled. */
  cancel(auth: AuthUser, id: string): Promise<void> {
    return this.db.write(auth.request, async (manager) => {
      const announcement = await this.find(manager, id);
      if (announcement.cancelledAt) return;
      const cancelled = await manager.update(AnnouncementEntity, { id, deliveredAt: IsNull(), cancelledAt: IsNull() }, { cancelledBy: auth.id, cancelledAt: this.clock.now() });
      if (!cancelled.affected) throw new ApiException(HttpStatus.CONFLICT, 'A delivered announcement cannot be cancelled', { state: 'delivered' });
      this.audit(manager, auth, id, 'ANNOUNCEMENT_CANCELLED', { title: announcement.title });
    });
  }

  /** The announcements due now, not cancelled nor delivered. */
  dueIds(): Promise<string[]> {
    return this.db.read(async (manager) =>
      (
        await manager
          .createQueryBuilder(AnnouncementEntity, 'announcement')
          .select('announcement.id', 'id')
          .where('announcement.deliveredAt IS NULL AND announcement.cancelledAt IS NULL AND announcement.publishAt <= :now', { now: this.clock.now() })
          .orderBy('announcement.publishAt', 'ASC')
          .getRawMany<{ id: string }>()
      ).map((row) => row.id),
    );
  }

  /**
   * Delivers one announcement, if no one has: claiming it (setting `deliveredAt` where it is unset)
   * and writing its inbox copies and webhook deliveries are one transaction, so a second instance
   * waits for the claim and then finds it taken, and a crash leaves it unclaimed for the next run.
   * Answers whether this call delivered it.
   */
  deliver(id: string): Promise<boolean> {
    return this.db.write(null, async (manager) => {
      const at = this.clock.now();
      const claimed = await manager.update(AnnouncementEntity, { id, deliveredAt: IsNull(), cancelledAt: IsNull() }, { deliveredAt: at });
      if (!claimed.affected) return false;
      const announcement = await manager.findOneByOrFail(AnnouncementEntity, { id });
      const to = announcementAudience(announcement.audienceRoles, announcement.audienceDepartmentIds);
      const noticeId = randomUUID();
      const subject = { findingId: null, roundId: null, announcementId: id };
      const detail: NoticeDetail = { event: PUBLISH, title: announcement.title, deadline: null, body: announcement.body };
      await this.notifications.insertFor(manager, { noticeId, type: ANNOUNCEMENT_NOTICE, ...subject, detail, createdAt: at }, to, SYSTEM_ACTOR.id);
      const content = { event: PUBLISH, announcement: { id, title: announcement.title, body: announcement.body, publishAt: announcement.publishAt.toISOString() } };
      await this.webhooks.enqueue(manager, { noticeId, type: ANNOUNCEMENT_NOTICE, to, subject, roundTypes: null, content, at });
      const recipientCount = await manager.countBy(NotificationEntity, { announcementId: id });
      await manager.update(AnnouncementEntity, { id }, { recipientCount });
      appendAudit(manager, { at, actorId: SYSTEM_ACTOR.id, actorRole: 'system', entityType: 'announcement', entityId: id, event: 'ANNOUNCEMENT_DELIVERED', payload: { recipientCount } });
      return true;
    });
  }

  private async find(manager: EntityManager, id: string): Promise<AnnouncementEntity> {
    const announcement = await manager.findOneBy(AnnouncementEntity, { id });
    if (!announcement) throw new NotFoundException(`No announcement ${id}`);
    return announcement;
  }

  private audit(manager: EntityManager, auth: AuthUser, id: string, event: string, payload: Record<string, unknown>): void {
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), entityType: 'announcement', entityId: id, event, payload });
  }
}
