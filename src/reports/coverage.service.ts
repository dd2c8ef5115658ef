import { ForbiddenException, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { ROUND_TYPES, RoundType } from '../../workflows';
import { scopedQuery, seesAllIntegrity, seesEveryDepartmentsFigures, seesHospitalWide, visibleRounds } from '../access/visibility';
import { PeriodWindow, monthWindow, yearWindow } from '../assessments/assessment';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import type { AuthUser } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { RoundEntity } from '../rounds/round.entity';
import { CoverageCountsDto, CoverageDto, CoverageQuery, CoverageRowDto } from './coverage.dto';

const HELD_ROUND_STATES = ['submitted', 'completed'];

/** A round's `types` column holds a JSON array: a round includes `type` if its quoted name is in it. */
const includesType = (type: RoundType) => ({ typePattern: `%"${type}"%` });

/**
 * Coverage (查房覆盖): for each department and round type, the rounds scheduled in a month or a
 * year, those held and those cancelled, the last visit, and the departments not visited. Counted
 * from the rounds the caller may see; a joint round counts once under each type it includes.
 * Integrity coverage by department is shown only to those who see all integrity work (for them
 * every integrity part's results are visible): a team member sees only their own rounds, so
 * their "not visited" would be false. Other hospital-wide readers get integrity rounds as
 * hospital-wide counts, as in the monthly notice; a department, none.
 */
@Injectable()
export class CoverageService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  coverage(auth: AuthUser, query: CoverageQuery): Promise<CoverageDto> {
    if (!seesEveryDepartmentsFigures(auth) && !auth.departmentId) throw new ForbiddenException("A department's coverage is for that department and the hospital's offices");
    const now = this.clock.now();
    const window: PeriodWindow = query.month ? monthWindow(`${query.year}-${query.month}`, this.config.TIME_ZONE, now) : yearWindow(query.year, this.config.TIME_ZONE, now);
    const roundTypes = seesAllIntegrity(auth) ? [...ROUND_TYPES] : ROUND_TYPES.filter((type) => type !== 'integrity');
    return this.db.read(async (manager) => {
      const departments = await manager.find(DepartmentEntity, {
        select: { id: true, code: true, name: true },
        where: seesEveryDepartmentsFigures(auth) ? {} : { id: auth.departmentId! },
        order: { code: 'ASC' },
      });
      const items: CoverageRowDto[] = [];
      for (const roundType of roundTypes) {
        const [counts, lastVisits] = await Promise.all([
          this.countsByDepartment(manager, auth, roundType, window, departments),
          this.lastVisits(manager, auth, roundType, window, departments),
        ]);
        for (const department of departments) {
          items.push({
            departmentId: department.id,
            departmentCode: department.code,
            departmentName: department.name,
            roundType,
            ...(counts.get(department.id) ?? { planned: 0, held: 0, cancelled: 0 }),
            lastVisit: lastVisits.get(department.id) ?? null,
          });
        }
      }
      return {
        year: query.year,
        month: query.month ?? null,
        timeZone: this.config.TIME_ZONE,
        firstDay: window.firstDay,
        lastDay: window.lastDay,
        from: window.start,
        to: window.end,
        generatedAt: now,
        roundTypes,
        items,
        notVisited: roundTypes.map((roundType) => ({
          roundType,
          departments: items
            .filter((row) => row.roundType === roundType && row.held === 0)
            .map(({ departmentId, departmentCode, departmentName }) => ({ departmentId, departmentCode, departmentName })),
        })),
        integrityCounts: seesHospitalWide(auth) && !seesAllIntegrity(auth) ? await this.integrityCounts(manager, window) : null,
      };
    });
  }

  /** The visible rounds of `roundType` of the departments, before the period's end. */
  private roundsOf(manager: EntityManager, auth: AuthUser, roundType: RoundType, window: PeriodWindow, departments: DepartmentEntity[]) {
    return scopedQuery(manager, RoundEntity, visibleRounds(auth))
      .andWhere('round.types LIKE :typePattern', includesType(roundType))
      .andWhere('round.departmentId IN (:...departmentIds)', { departmentIds: [...departments.map((d) => d.id), ''] })
      .andWhere('round.scheduledFor <= :lastDay', { lastDay: window.lastDay });
  }

  private async countsByDepartment(manager: EntityManager, auth: AuthUser, roundType: RoundType, window: PeriodWindow, departments: DepartmentEntity[]) {
    const groups = await this.roundsOf(manager, auth, roundType, window, departments)
      .select('round.departmentId', 'departmentId')
      .addSelect('round.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .andWhere('round.scheduledFor >= :firstDay', { firstDay: window.firstDay })
      .groupBy('round.departmentId')
      .addGroupBy('round.state')
      .getRawMany<{ departmentId: string; state: string; count: string | number }>();
    const counts = new Map<string, CoverageCountsDto>();
    for (const group of groups) {
      const department = counts.get(group.departmentId) ?? { planned: 0, held: 0, cancelled: 0 };
      addCount(department, group.state, Number(group.count));
      counts.set(group.departmentId, department);
    }
    return counts;
  }

  /** The latest held round's day per department, any time up to the period's end. */
  private async lastVisits(manager: EntityManager, auth: AuthUser, roundType: RoundType, window: PeriodWindow, departments: DepartmentEntity[]) {
    const rows = await this.roundsOf(manager, auth, roundType, window, departments)
      .select('round.departmentId', 'departmentId')
      // As text: PostgreSQL's driver would read a date as a local midnight.
      .addSelect('CAST(MAX(round.scheduledFor) AS VARCHAR(10))', 'lastVisit')
      .andWhere({ state: In(HELD_ROUND_STATES) })
      .groupBy('round.departmentId')
      .getRawMany<{ departmentId: string; lastVisit: string }>();
    return new Map(rows.map((row) => [row.departmentId, row.lastVisit]));
  }

  /** Integrity rounds across the hospital in the period, as counts only. */
  private async integrityCounts(manager: EntityManager, window: PeriodWindow): Promise<CoverageCountsDto> {
    const groups = await manager
      .createQueryBuilder(RoundEntity, 'round')
      .select('round.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .where('round.types LIKE :typePattern', includesType('integrity'))
      .andWhere('round.scheduledFor BETWEEN :firstDay AND :lastDay', window)
      .groupBy('round.state')
      .getRawMany<{ state: string; count: string | number }>();
    const counts = { planned: 0, held: 0, cancelled: 0 };
    for (const group of groups) addCount(counts, group.state, Number(group.count));
    return counts;
  }
}

/** Every round scheduled counts as planned; held and cancelled by its state. */
function addCount(counts: CoverageCountsDto, state: string, count: number): void {
  counts.planned += count;
  if (HELD_ROUND_STATES.includes(state)) counts.held += count;
  if (state === 'cancelled') counts.cancelled += count;
}
