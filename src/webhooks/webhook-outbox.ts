import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { FindingContext, NoticeType } from '../../workflows';
import { instantParameter } from '../database/row-mapper';
import type { FindingEntity } from '../findings/finding.entity';
import type { Addressing } from '../access/addressees';
import type { NoticeDetail } from '../notifications/notification.entity';

export interface OutgoingNotice {
  noticeId: string;
  type: NoticeType;
  to: Addressing;
  finding: FindingEntity;
  context: FindingContext;
  detail: NoticeDetail;
  at: Date;
}

/** Queues a notice for every active endpoint that takes it, in one statement inside the caller's transaction. */
@Injectable()
export class WebhookOutbox {
  async enqueue(manager: EntityManager, notice: OutgoingNotice): Promise<void> {
    const at = instantParameter(manager, 'at');
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "webhook_deliveries" ("id", "endpointId", "noticeId", "type", "findingId", "body", "status", "attempts", "nextAttemptAt", "createdAt")
       SELECT gen_random_uuid(), "id", :noticeId, :type, :findingId, :body, 'pending', 0, ${at}, ${at} FROM "webhook_endpoints"
       WHERE "active" = :active AND ("events" IS NULL OR "events" LIKE :eventPattern) AND ${notice.to.endpoints}`,
      {
        ...notice.to.parameters,
        noticeId: notice.noticeId,
        type: notice.type,
        findingId: notice.finding.id,
        body: JSON.stringify(webhookBody(notice)),
        at: notice.at,
        active: true,
        eventPattern: `%"${notice.type}"%`,
      },
    );
    await manager.query(sql, values);
  }
}

/**
 * What a receiver gets, the same for every endpoint and every retry. `id` is the notice's: an
 * endpoint gets a notice once, so a receiver can drop repeats by it. An integrity finding's title
 * stays out: a messaging group is not the case file.
 */
function webhookBody(notice: OutgoingNotice) {
  const { finding, context, detail } = notice;
  const confidential = finding.roundType === 'integrity';
  return {
    id: notice.noticeId,
    type: notice.type,
    occurredAt: notice.at.toISOString(),
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
      deadline: context.deadline,
      escalationLevel: context.escalationLevel,
    },
  };
}
