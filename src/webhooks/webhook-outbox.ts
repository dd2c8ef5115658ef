import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { FindingContext, NoticeType } from '../../workflows';
import { oncePerTransaction } from '../database/transaction-cache';
import type { FindingEntity } from '../findings/finding.entity';
import { Addressee, endpointTakes } from '../notifications/addressees';
import type { NoticeDetail } from '../notifications/notification.entity';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';

export interface OutgoingNotice {
  noticeId: string;
  type: NoticeType;
  addressees: Addressee[];
  finding: FindingEntity;
  context: FindingContext;
  detail: NoticeDetail;
  at: Date;
}

/** Queues a notice for every active endpoint that takes it, inside the caller's transaction. */
@Injectable()
export class WebhookOutbox {
  async enqueue(manager: EntityManager, notice: OutgoingNotice): Promise<void> {
    const endpoints = await oncePerTransaction(manager, 'webhook-endpoints', () => manager.findBy(WebhookEndpointEntity, { active: true }));
    const deliveries = endpoints
      .filter((endpoint) => (endpoint.events === null || endpoint.events.includes(notice.type)) && endpointTakes(endpoint, notice.addressees))
      .map((endpoint): WebhookDeliveryEntity => {
        const id = randomUUID();
        return {
          id,
          endpointId: endpoint.id,
          noticeId: notice.noticeId,
          type: notice.type,
          findingId: notice.finding.id,
          body: JSON.stringify(webhookBody(id, notice)),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: notice.at,
          leaseUntil: null,
          deliveredAt: null,
          lastError: null,
          createdAt: notice.at,
        };
      });
    if (deliveries.length > 0) await manager.insert(WebhookDeliveryEntity, deliveries);
  }
}

/**
 * What a receiver gets. `id` is the delivery's and stays the same on every retry, so a receiver
 * can drop repeats. An integrity finding's title stays out: a messaging group is not the case file.
 */
function webhookBody(id: string, notice: OutgoingNotice) {
  const { finding, context, detail } = notice;
  const confidential = finding.roundType === 'integrity';
  return {
    id,
    noticeId: notice.noticeId,
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
