import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PublishedAudience, figuresAudience, noticeAudience, publishedReader, scopedQuery, visibleRounds } from '../access/visibility';
import type { MonthlyTrackingDto } from '../assessments/assessment.dto';
import type { RequestContext } from '../common/request-context';
import { Database } from '../database/database';
import type { AuthUser } from '../identity/auth-user';
import type { NoticeDto } from '../reports/notice.dto';
import { RoundEntity } from '../rounds/round.entity';
import { PublishedMonthViewEntity } from './published-month.entity';

/** The reader a stored view is computed as: on no round's team (no user has the nil id), signed in by no session. */
export const readerOf = (audience: PublishedAudience, request: RequestContext): AuthUser => ({
  id: '00000000-0000-0000-0000-000000000000',
  username: `published-${audience.kind}`,
  ...publishedReader(audience),
  credential: { kind: 'session', sessionId: '' },
  request,
});

/**
 * The stored views of published months, for the reader: the notice and the assessments as the
 * reader's audience saw them when the month was published (null when the month is unpublished, or
 * the reader has no stored view and reads live). The annual figures read the published months here.
 */
@Injectable()
export class PublishedMonths {
  constructor(private readonly db: Database) {}

  /** The month's assessments and tracking sheets (whole, per round type, per source) as stored for the reader. */
  trackingOf(auth: AuthUser, month: string): Promise<MonthlyTrackingDto | null> {
    return this.db.read(async (manager) => (await this.viewOf(manager, figuresAudience(auth), month))?.assessments ?? null);
  }

  /** The stored notice, less any round the reader may not see by the live rule (an unannounced round kept from its own department). */
  noticeOf(auth: AuthUser, month: string): Promise<NoticeDto | null> {
    return this.db.read(async (manager) => {
      const notice = (await this.viewOf(manager, noticeAudience(auth), month))?.notice;
      if (!notice || notice.rounds.length === 0) return notice ?? null;
      const visible = await scopedQuery(manager, RoundEntity, visibleRounds(auth))
        .select('round.id', 'id')
        .andWhere('round.id IN (:...roundIds)', { roundIds: notice.rounds.map((round) => round.id) })
        .getRawMany<{ id: string }>();
      const ids = new Set(visible.map((round) => round.id));
      return { ...notice, rounds: notice.rounds.filter((round) => ids.has(round.id)) };
    });
  }

  private async viewOf(manager: EntityManager, audience: PublishedAudience | null, month: string): Promise<PublishedMonthViewEntity | null> {
    if (!audience) return null;
    return manager.findOneBy(PublishedMonthViewEntity, { month, audience: audience.kind, ...(audience.kind === 'department' && { departmentId: audience.departmentId }) });
  }
}
