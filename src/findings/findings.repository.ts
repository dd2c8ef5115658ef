import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not, SelectQueryBuilder } from 'typeorm';
import { FINDING_SETTLED_STATES, FindingProgress, RoundType } from '../../workflows';
import { scopedQuery, visibleFindings } from '../access/visibility';
import { RowMapper } from '../database/row-mapper';
import type { AuthUser } from '../identity/auth-user';
import { inPartyBranch } from '../identity/in-party-branch';
import { FindingFilters, ListFindingsQuery } from './finding.dto';
import { FindingEntity } from './finding.entity';

@Injectable()
export class FindingsRepository {
  findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<FindingEntity | null> {
    return RowMapper.of(manager, FindingEntity).findById(manager, id, { scope: visibleFindings(auth) });
  }

  /** Sorted by deadline, the most urgent first; findings without a deadline last. */
  list(manager: EntityManager, auth: AuthUser, query: ListFindingsQuery): Promise<[FindingEntity[], number]> {
    return this.filtered(manager, auth, query)
      .orderBy('finding.deadline', 'ASC', 'NULLS LAST')
      .addOrderBy('finding.createdAt', 'ASC')
      .addOrderBy('finding.id', 'ASC')
      .limit(query.limit)
      .offset(query.offset)
      .getManyAndCount();
  }

  /** The findings the caller may see, narrowed by `filters`, as a query to add to. */
  filtered(manager: EntityManager, auth: AuthUser, filters: FindingFilters): SelectQueryBuilder<FindingEntity> {
    const builder = scopedQuery(manager, FindingEntity, visibleFindings(auth));
    const columns = {
      state: filters.state,
      roundType: filters.roundType,
      responsibleDepartmentId: filters.responsibleDepartmentId,
      severity: filters.severity,
      overdue: filters.overdue,
      roundId: filters.roundId,
      source: filters.source,
      light: filters.light,
      receipt: filters.receipt,
      responsiblePersonId: filters.responsiblePersonId,
    };
    for (const [column, value] of Object.entries(columns)) {
      if (value !== undefined) builder.andWhere(`finding.${column} = :${column}`, { [column]: value });
    }
    if (filters.partyBranchId !== undefined) {
      builder.andWhere(inPartyBranch('finding.responsibleDepartmentId'), { partyBranchId: filters.partyBranchId });
    }
    return builder;
  }

  findByIdOrNull(manager: EntityManager, id: string): Promise<FindingEntity | null> {
    return manager.findOneBy(FindingEntity, { id });
  }

  /** The round's findings in `state`, of one part (`roundType`) or all. */
  inRound(manager: EntityManager, roundId: string, state: FindingProgress | 'open', roundType?: RoundType): Promise<FindingEntity[]> {
    return manager.find(FindingEntity, {
      where: { roundId, state: state === 'open' ? Not(In(FINDING_SETTLED_STATES)) : state, ...(roundType ? { roundType } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async countOpenInRound(manager: EntityManager, roundId: string): Promise<number> {
    // Asked after every settling transition; a query builder costs several times the query.
    const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(
      `SELECT COUNT(*) AS "open" FROM "findings" WHERE "roundId" = :roundId AND "state" NOT IN (:...settled)`,
      { roundId, settled: FINDING_SETTLED_STATES },
    );
    const [{ open }] = await manager.query(sql, parameters);
    return Number(open);
  }
}
