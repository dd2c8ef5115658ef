import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EntityManager, In } from 'typeorm';
import { FINDING_PROGRESS_STATES, FINDING_SETTLED_STATES, FindingProgress, Light, RoundType, Timeliness } from '../../workflows';
import { scopedQuery, visibleFindings } from '../access/visibility';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { FindingEntity } from '../findings/finding.entity';
import { DUE_SQL } from '../findings/finding-figures';
import type { AuthUser } from '../identity/auth-user';
import { DashboardDto, DashboardWeekDto } from './dashboard.dto';

const WEEKS = 12;
/** Named rather than "not settled", so the state index serves the query. */
const OPEN_STATES = FINDING_PROGRESS_STATES.filter((state) => !FINDING_SETTLED_STATES.includes(state));

/**
 * Index range scans only: open findings grouped (state, timeliness, department, round type, light),
 * a count of findings logged and closed per week over twelve weeks, and the ten oldest overdue.
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
      const noLights = () => ({ red: 0, yellow: 0, green: 0 });
      const dashboard: DashboardDto = { generatedAt: now, openByState: {}, openByLight: noLights(), byDepartment: {}, byRoundType: {}, weeks: [], oldestOverdue: [] };
      for (const group of await this.openGroups(manager, auth)) {
        const count = Number(group.count);
        const overdue = Number(group.overdue);
        const byState = (dashboard.openByState[group.state] ??= {});
        byState[group.timeliness] = (byState[group.timeliness] ?? 0) + count;
        const counts = [dashboard.byDepartment[group.department] ??= { open: 0, overdue: 0, lights: noLights() }, dashboard.byRoundType[group.roundType] ??= { open: 0, overdue: 0, lights: noLights() }];
        for (const tally of counts) {
          tally.open += count;
          tally.overdue += overdue;
          // An open finding always has a light (migration 1733500000000 gave the older ones theirs).
          if (group.light) tally.lights[group.light] += count;
        }
        if (group.light) dashboard.openByLight[group.light] += count;
      }
      dashboard.weeks = await this.weeks(manager, auth, now);
      dashboard.oldestOverdue = await scopedQuery(manager, FindingEntity, visibleFindings(auth))
        .select(['finding.id', 'finding.title', 'finding.roundType', 'finding.responsibleDepartmentId', 'finding.state', 'finding.deadline', 'finding.committedDue'])
        .andWhere({ overdue: true, state: In(OPEN_STATES) })
        .orderBy(DUE_SQL, 'ASC')
        .addOrderBy('finding.id', 'ASC')
        .limit(10)
        .getMany()
        .then((rows) =>
          rows.map(({ id, title, roundType, responsibleDepartmentId, state, deadline, committedDue }) => ({
            id,
            title,
            roundType,
            responsibleDepartmentId,
            state: state as FindingProgress,
            deadline: deadline!,
            committedDue,
          })),
        );
      return dashboard;
    });
  }

  private openGroups(manager: EntityManager, auth: AuthUser) {
    return scopedQuery(manager, FindingEntity, visibleFindings(auth))
      .select('finding.state', 'state')
      .addSelect('finding.timeliness', 'timeliness')
      .addSelect('finding.responsibleDepartmentId', 'department')
      .addSelect('finding.roundType', 'roundType')
      .addSelect('finding.light', 'light')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(CASE WHEN finding.overdue THEN 1 ELSE 0 END)', 'overdue')
      .andWhere({ state: In(OPEN_STATES) })
      .groupBy('finding.state')
      .addGroupBy('finding.timeliness')
      .addGroupBy('finding.responsibleDepartmentId')
      .addGroupBy('finding.roundType')
      .addGroupBy('finding.light')
      .getRawMany<{ state: FindingProgress; timeliness: Timeliness; department: string; roundType: RoundType; light: Light | null; count: string; overdue: string }>();
  }

  /**
   * Findings logged and closed in each of the last twelve weeks (Monday to Sunday, hospital time):
   * a count per week and column, each one range of a covering index, cheaper than one pass that sorts rows into weeks.
   */
  private async weeks(manager: EntityManager, auth: AuthUser, now: Date): Promise<DashboardWeekDto[]> {
    const thisWeek = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).startOf('week');
    const starts = Array.from({ length: WEEKS + 1 }, (_, i) => thisWeek.minus({ weeks: WEEKS - 1 - i }).toJSDate());
    const count = async (column: 'createdAt' | 'closedAt', week: number) => {
      const row = await scopedQuery(manager, FindingEntity, visibleFindings(auth))
        .select('COUNT(*)', 'count')
        .andWhere(`finding.${column} >= :from AND finding.${column} < :to`, { from: starts[week], to: starts[week + 1] })
        .getRawOne<{ count: string | number }>();
      return Number(row?.count ?? 0);
    };
    const weeks: DashboardWeekDto[] = [];
    for (let week = 0; week < WEEKS; week++) {
      weeks.push({ week: DateTime.fromJSDate(starts[week], { zone: this.config.TIME_ZONE }).toISODate()!, opened: await count('createdAt', week), closed: await count('closedAt', week) });
    }
    return weeks;
  }
}
