import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { FindingContext, InboxNoticeType, RoundType } from '../../workflows';
import { instantParameter } from '../database/row-mapper';
import type { FindingEntity } from '../findings/finding.entity';
import type { Addressing } from '../access/addressees';
import type { NoticeDetail } from '../notifications/notification.entity';

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
 * transaction. A round notice an endpoint already has is skipped (unique round, type and endpoint).
 */
@Injectable()
export class WebhookOutbox {
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
    await manager.query(sql, values);
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
