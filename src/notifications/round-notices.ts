import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type RoundNoticeType } from '../../workflows';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { DepartmentEntity } from '../identity/department.entity';
import { RoundEntity } from '../rounds/round.entity';
import { NoticeDetail } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';

const DAY_MS = 86_400_000;

/**
 * Round notices to a round's lead and team (its participants), in the inbox only. Each person gets
 * each type once per round: the unique (roundId, type, recipientId) row is skipped when it exists,
 * so restarts and a second instance write nothing twice.
 */
@Injectable()
export class RoundNotices {
  constructor(
    private readonly db: Database,
    private readonly notifications: NotificationsRepository,
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
    const participants = { users: `"id" IN (:...roundParticipantIds)`, endpoints: '1 = 0', parameters: { roundParticipantIds: [round.leadId, ...round.teamMemberIds] } };
    await this.notifications.insertFor(
      manager,
      { noticeId: randomUUID(), type, findingId: null, roundId: round.id, detail, createdAt: this.clock.now() },
      participants,
      SYSTEM_ACTOR.id,
    );
  }
}
