import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EntityManager, In } from 'typeorm';
import { FINDING_PROGRESS_STATES, FINDING_SETTLED_STATES, FindingProgress, RoundType, Timeliness } from '../../workflows';
import { scopedQuery, visibleFindings } from '../access/visibility';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { FindingEntity } from '../findings/finding.entity';
import type { AuthUser } from '../identity/auth-user';
import { DashboardDto, DashboardWeekDto } from './dashboard.dto';

const WEEKS = 12;
/** Named rather than "not settled", so the state index serves the query. */
const OPEN_STATES = FINDING_PROGRESS_STATES.filter((state) => !FINDING_SETTLED_STATES.includes(state));

/**
 * Three queries, each an index range scan: open findings grouped (state, timeliness, department,
 * round type), logging and closing counts per week over twelve weeks, and the oldest overdue.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  dashboard(auth: AuthUser): Promise<DashboardDto> {
    const now = this.clock.now();
    return this.db.read(async (manager) => {
      const dashboard: DashboardDto = { generatedAt: now, openByState: {}, byDepartment: {}, byRoundType: {}, weeks: [], oldestOverdue: [] };
      for (const group of await this.openGroups(manager, auth)) {
        const count = Number(group.count);
        const overdue = Number(group.overdue);
        const byState = (dashboard.openByState[group.state] ??= {});
        byState[group.timeliness] = (byState[group.timeliness] ?? 0) + count;
        const department = (dashboard.byDepartment[group.department] ??= { open: 0, overdue: 0 });
        department.open += count;
        department.overdue += overdue;
        const roundType = (dashboard.byRoundType[group.roundType] ??= { open: 0, overdue: 0 });
        roundType.open += count;
        roundType.overdue += overdue;
      }
      dashboard.weeks = await this.weeks(manager, auth, now);
      dashboard.oldestOverdue = await scopedQuery(manager, FindingEntity, visibleFindings(auth))
        .select(['finding.id', 'finding.title', 'finding.roundType', 'finding.responsibleDepartmentId', 'finding.state', 'finding.deadline'])
        .andWhere({ overdue: true, state: In(OPEN_STATES) })
        .orderBy('finding.deadline', 'ASC')
        .addOrderBy('finding.id', 'ASC')
        .limit(10)
        .getMany()
        .then((rows) => rows.map(({ id, title, roundType, responsibleDepartmentId, state, deadline }) => ({ id, title, roundType, responsibleDepartmentId, state: state as FindingProgress, deadline: deadline! })));
      return dashboard;
    });
  }

  private openGroups(manager: EntityManager, auth: AuthUser) {
    return scopedQuery(manager, FindingEntity, visibleFindings(auth))
      .select('finding.state', 'state')
      .addSelect('finding.timeliness', 'timeliness')
      .addSelect('finding.responsibleDepartmentId', 'department')
      .addSelect('finding.roundType', 'roundType')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(CASE WHEN finding.overdue THEN 1 ELSE 0 END)', 'overdue')
      .andWhere({ state: In(OPEN_STATES) })
      .groupBy('finding.state')
      .addGroupBy('finding.timeliness')
      .addGroupBy('finding.responsibleDepartmentId')
      .addGroupBy('finding.roundType')
      .getRawMany<{ state: FindingProgress; timeliness: Timeliness; department: string; roundType: RoundType; count: string; overdue: string }>();
  }

  /** Findings logged and closed in each of the last twelve weeks (Monday to Sunday, hospital time). */
  private async weeks(manager: EntityManager, auth: AuthUser, now: Date): Promise<DashboardWeekDto[]> {
    const thisWeek = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).startOf('week');
    const starts = Array.from({ length: WEEKS + 1 }, (_, i) => thisWeek.minus({ weeks: WEEKS - 1 - i }));
    const counts = async (column: 'createdAt' | 'closedAt') => {
      const builder = scopedQuery(manager, FindingEntity, visibleFindings(auth)).select([]);
      starts.slice(0, WEEKS).forEach((start, i) => {
        builder.addSelect(`SUM(CASE WHEN finding.${column} < :week${i + 1} THEN 1 ELSE 0 END)`, `before${i + 1}`);
        builder.setParameter(`week${i + 1}`, starts[i + 1].toJSDate());
      });
      const row = await builder.andWhere(`finding.${column} >= :from`, { from: starts[0].toJSDate() }).getRawOne<Record<string, string | null>>();
      // Cumulative sums, one pass over the index range: week i holds before(i) − before(i−1).
      return starts.slice(0, WEEKS).map((_, i) => Number(row?.[`before${i + 1}`] ?? 0) - (i === 0 ? 0 : Number(row?.[`before${i}`] ?? 0)));
    };
    const [opened, closed] = [await counts('createdAt'), await counts('closedAt')];
    return starts.slice(0, WEEKS).map((start, i) => ({ week: start.toISODate()!, opened: opened[i], closed: closed[i] }));
  }
}
