import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Audience, FindingContext, Notice } from '../../workflows';
import { AppConfig } from '../config/app-config';
import { Applied, EnvelopedEvent, WorkflowEngine } from '../engine/workflow.engine';
import { FindingEntity } from '../findings/finding.entity';
import { FINDING } from '../findings/finding.kind';
import { WebhookOutbox, findingNoticeContent } from '../webhooks/webhook-outbox';
import { addressing } from '../access/addressees';
import { NoticeDetail } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';

/**
 * Carries out a transition's `notify`: one notification per person addressed (not the sender) and
 * one webhook delivery per endpoint that takes it, written in the transition's own transaction, so
 * a notice exists exactly when its transition does: two statements, however many are told.
 */
@Injectable()
export class NotificationOutbox implements OnModuleInit {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly notifications: NotificationsRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.engine.effects(FINDING, { notify: (manager, finding, event, notice) => this.write(manager, finding, event, notice) });
  }

  private async write(manager: EntityManager, finding: Applied<FindingEntity>, event: EnvelopedEvent, notice: Notice): Promise<void> {
    const context = finding.snapshot.context as FindingContext;
    // An escalation, for the deadline or for the receipt, is heard by its level's audience on the one ladder.
    const level = notice.notice === 'escalated' ? context.escalationLevel : notice.notice === 'receipt_escalated' ? context.receiptEscalationLevel : null;
    const to = addressing(level !== null ? this.escalationAudience(level) : notice.to, context);
    const detail: NoticeDetail = {
      event: event.type,
      title: finding.row.title,
      deadline: context.deadline,
      ...(level !== null && { level }),
    };
    const noticeId = randomUUID();
    const createdAt = new Date(event.at);
    const subject = { findingId: finding.row.id, roundId: null, announcementId: null };
    await this.notifications.insertFor(manager, { noticeId, type: notice.notice, ...subject, detail, createdAt }, to, event.actor.id);
    await this.webhooks.enqueue(manager, { noticeId, type: notice.notice, to, subject, roundTypes: [finding.row.roundType], content: findingNoticeContent(finding.row, context, detail), at: createdAt });
  }

  private escalationAudience(level: number): Audience[] {
    const step = this.config.timerPolicy.escalations[level - 1];
    return step ? [step.audience] : [];
  }
}
