import { Injectable } from '@nestjs/common';
import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import { FINDING_SETTLED_STATES, FindingTimer } from '../../workflows';
import { RowMapper } from '../database/row-mapper';
import { FindingEntity } from '../findings/finding.entity';
import { FindingTimerEntity } from './finding-timer.entity';

@Injectable()
export class FindingTimersRepository {
  /** Sets the finding's next timer, or clears it; nothing in the transition waits for the answer. */
  async put(manager: EntityManager, findingId: string, timer: FindingTimer | null, now: Date): Promise<void> {
    const timers = RowMapper.of(manager, FindingTimerEntity);
    if (timer === null) {
      await timers.deleteById(manager, findingId, { unanswered: true });
      return;
    }
    await timers.upsert(
      manager,
      { findingId, event: timer.event, level: timer.level, dueAt: new Date(timer.dueAt), scheduledAt: now },
      'findingId',
      { unanswered: true },
    );
  }

  /** Moves a timer that failed to `until`, leaving what it fires unchanged. */
  async postpone(manager: EntityManager, findingId: string, until: Date): Promise<void> {
    await manager.update(FindingTimerEntity, { findingId }, { dueAt: until });
  }

  /**
   * Up to `limit` timers due at `now`, earliest first, their findings locked for this transaction.
   * On PostgreSQL another instance's claims are skipped (SKIP LOCKED), and the timers are read again
   * once the locks are held, so one fired meanwhile is not fired twice. SQLite has one writer at a time.
   */
  async claimDue(manager: EntityManager, now: Date, limit: number, postgres: boolean, findingId?: string): Promise<FindingTimerEntity[]> {
    const candidates = manager
      .createQueryBuilder(FindingTimerEntity, 'timer')
      .innerJoin(FindingEntity, 'finding', 'finding.id = timer.findingId')
      .select('timer.findingId', 'findingId')
      .where('timer.dueAt <= :now', { now })
      .orderBy('timer.dueAt', 'ASC')
      .limit(limit);
    if (findingId) candidates.andWhere('timer.findingId = :findingId', { findingId });
    if (postgres) candidates.setLock('pessimistic_write', undefined, ['finding']).setOnLocked('skip_locked');
    const ids = (await candidates.getRawMany<{ findingId: string }>()).map((row) => row.findingId);
    if (ids.length === 0) return [];
    return manager.find(FindingTimerEntity, { where: { findingId: In(ids), dueAt: LessThanOrEqual(now) }, order: { dueAt: 'ASC' } });
  }

  /** Open findings with a deadline and no timer: left so by the migration, or by a change to the escalation ladder. */
  async untimed(manager: EntityManager): Promise<FindingEntity[]> {
    return manager
      .createQueryBuilder(FindingEntity, 'finding')
      .leftJoin(FindingTimerEntity, 'timer', 'timer.findingId = finding.id')
      .where('timer.findingId IS NULL')
      .andWhere('finding.deadline IS NOT NULL')
      .andWhere('finding.state NOT IN (:...settled)', { settled: FINDING_SETTLED_STATES })
      .getMany();
  }
}
