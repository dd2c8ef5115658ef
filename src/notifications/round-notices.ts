import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type RoundNoticeType } from '../../workflows';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { DepartmentEntity } from '../identity/department.entity';
import { RoundEntity } from '../rounds/round.entity';
import { roundParticipants } from '../access/addressees';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { NoticeDetail } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';

const DAY_MS = 86_400_000;

/**
 * Round notices to a round's lead and team (its participants), in the inbox and to the webhook
 * endpoints standing for them (src/access/addressees.ts: integrity and unannounced rounds told
 * narrowly). Each person and endpoint gets each type once per round: the unique (roundId, type,
 * recipientId) and (roundId, type, endpointId) rows are skipped when they exist, so restarts and a
 * second instance write nothing twice.
 */
@Injectable()
export class RoundNotices {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly clock: Clock,
  ) {}

  /** `round_planned`, in the unit of work that planned the round. */
  planned(manager: EntityManager, round: RoundEntity): Promise<void> {
    return this.write(manager, 'round_planned', 'PLAN', round);
  }

  /**
   * `round_tomorrow` for each round still planned for the hospital's tomorrow: from midnight of the
   * day before, on the first run after it. Answers how many rounds are tomorrow.
   */
  remindTomorrow(): Promise<number> {
    const tomorrow = new Date(Date.parse(`${this.clock.dateOf(this.clock.now())}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    return this.db.write(null, async (manager) => {
      const rounds = await manager.find(RoundEntity, { where: { state: 'planned', scheduledFor: tomorrow }, order: { id: 'ASC' } });
      for (const round of rounds) await this.write(manager, 'round_tomorrow', 'REMIND', round);
      return rounds.length;
    });
  }

  private async write(manager: EntityManager, type: RoundNoticeType, event: string, round: RoundEntity): Promise<void> {
    const department = await manager.findOneByOrFail(DepartmentEntity, { id: round.departmentId });
    const detail: NoticeDetail = { event, title: department.name, deadline: null, scheduledFor: round.scheduledFor, departmentId: round.departmentId };
    const to = roundParticipants(round);
    const [noticeId, at] = [randomUUID(), this.clock.now()];
    const subject = { findingId: null, roundId: round.id, announcementId: null };
    await this.notifications.insertFor(manager, { noticeId, type, ...subject, detail, createdAt: at }, to, SYSTEM_ACTOR.id);
    // The department's name stays out, as an integrity finding's title does: its id says enough to a receiver that may know it.
    const content = { event, round: { id: round.id, types: round.types, departmentId: round.departmentId, scheduledFor: round.scheduledFor, unannounced: round.unannounced } };
    await this.webhooks.enqueue(manager, { noticeId, type, to, subject, roundTypes: round.types, content, at });
  }
}
