import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { FindingContext, InboxNoticeType, RoundType } from '../../workflows';
import { AppConfig } from '../config/app-config';
import { writeWithoutWaiting } from '../database/database';
import { instantParameter } from '../database/row-mapper';
import type { FindingEntity } from '../findings/finding.entity';
import { UserEntity } from '../identity/user.entity';
import type { Addressing } from '../access/addressees';
import { NotificationEntity, type NoticeDetail } from '../notifications/notification.entity';
import { releaseAt, wants } from '../notifications/notification-preferences';
import { readNotificationSettings } from '../notifications/notification-settings.service';
import { WebhookDeliveryEntity } from './webhook.entities';

/** Personal e-mail deliveries written per statement, within every database's limit on parameters. */
const INSERT_CHUNK = 500;

/** What a notice is about: one finding, round or announcement. */
export interface NoticeSubject {
  findingId: string | null;
  roundId: string | null;
  announcementId: string | null;
}

export interface OutgoingNotice {
  noticeId: string;
  type: InboxNoticeType;
  /** Its `endpoints` pick the endpoints that take it. */
  to: Addressing;
  subject: NoticeSubject;
  /** The round types it is about, for the endpoints that take only some; null (an announcement): none, every endpoint may take it. */
  roundTypes: readonly RoundType[] | null;
  /** What the body says beyond its `id`, `type` and `occurredAt`. */
  content: Record<string, unknown>;
  at: Date;
}

/**
 * Queues a notice for every active endpoint that takes it, in one statement inside the caller's
 * transaction, written without waiting for the answer. A round notice an endpoint already has is skipped (unique round, type and endpoint).
 * With SMTP_URL set, it queues each person's own e-mail too (`enqueuePersonalEmails`).
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly config: AppConfig) {}

  async enqueue(manager: EntityManager, notice: OutgoingNotice): Promise<void> {
    const at = instantParameter(manager, 'at');
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "webhook_deliveries" ("id", "endpointId", "noticeId", "type", "findingId", "roundId", "announcementId", "body", "status", "attempts", "nextAttemptAt", "createdAt")
       SELECT gen_random_uuid(), "id", :noticeId, :type, :findingId, :roundId, :announcementId, :body, 'pending', 0, ${at}, ${at} FROM "webhook_endpoints"
       WHERE "active" = :active AND ("events" IS NULL OR "events" LIKE :eventPattern) AND ${roundTypeFilter(notice.roundTypes)} AND ${notice.to.endpoints}
       ON CONFLICT DO NOTHING`,
      {
        ...notice.to.parameters,
        ...notice.subject,
        noticeId: notice.noticeId,
        type: notice.type,
        body: JSON.stringify(webhookBody(notice)),
        at: notice.at,
        active: true,
        eventPattern: `%"${notice.type}"%`,
        ...Object.fromEntries((notice.roundTypes ?? []).map((type, i) => [`roundTypePattern${i}`, `%"${type}"%`])),
      },
    );
    await writeWithoutWaiting(manager, sql, values);
    if (this.config.SMTP_URL) await this.enqueuePersonalEmails(manager, notice);
  }

  /**
   * One e-mail for each person the notice told in their inbox (the caller wrote those rows first, so
   * a round notice a person already had tells no one again) who has an address and wants the type
   * by e-mail, due when their quiet hours end. The choice and the release are decided here, with
   * `wants` and `releaseAt`, rather than re-written in SQL: three statements, however many are told.
   */
  private async enqueuePersonalEmails(manager: EntityManager, notice: OutgoingNotice): Promise<void> {
    const told = await manager
      .createQueryBuilder(NotificationEntity, 'notice')
      .innerJoin(UserEntity, 'person', 'person.id = notice.recipientId')
      .select('notice.recipientId', 'recipientId')
      .where('notice.noticeId = :noticeId', { noticeId: notice.noticeId })
      .andWhere('person.email IS NOT NULL')
      .andWhere('person.active = :active', { active: true })
      .getRawMany<{ recipientId: string }>();
    const settings = await readNotificationSettings(manager, told.map((row) => row.recipientId));
    const body = JSON.stringify(webhookBody(notice));
    const rows = [...settings]
      .filter(([, chosen]) => wants(chosen, 'email', notice.type))
      .map(([recipientId, chosen]) => ({
        id: randomUUID(),
        endpointId: null,
        recipientId,
        noticeId: notice.noticeId,
        type: notice.type,
        ...notice.subject,
        body,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: releaseAt(chosen, notice.at, this.config.TIME_ZONE),
        leaseUntil: null,
        deliveredAt: null,
        lastError: null,
        createdAt: notice.at,
      }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await manager.insert(WebhookDeliveryEntity, rows.slice(i, i + INSERT_CHUNK));
  }
}

/** Over `"webhook_endpoints"`: those taking every round type, or one of the notice's. */
function roundTypeFilter(roundTypes: readonly RoundType[] | null): string {
  if (roundTypes === null) return '1 = 1';
  return `("roundTypes" IS NULL${roundTypes.map((_, i) => ` OR "roundTypes" LIKE :roundTypePattern${i}`).join('')})`;
}

/**
 * What a receiver gets, the same for every endpoint and every retry. `id` is the notice's: an
 * endpoint gets a notice once, so a receiver can drop repeats by it.
 */
function webhookBody(notice: OutgoingNotice) {
  return { id: notice.noticeId, type: notice.type, occurredAt: notice.at.toISOString(), ...notice.content };
}

/** A finding notice's body. An integrity finding's title stays out: a messaging group is not the case file. */
export function findingNoticeContent(finding: FindingEntity, context: FindingContext, detail: NoticeDetail): Record<string, unknown> {
  const confidential = finding.roundType === 'integrity';
  return {
    event: detail.event,
    ...(detail.level !== undefined && { level: detail.level }),
    finding: {
      id: finding.id,
      roundId: finding.roundId,
      roundType: finding.roundType,
      severity: finding.severity,
      ...(!confidential && { title: finding.title }),
      responsibleDepartmentId: context.responsibleDepartmentId,
      state: finding.state,
      timeliness: finding.timeliness,
      light: finding.light,
      deadline: context.deadline,
      escalationLevel: context.escalationLevel,
    },
  };
}
