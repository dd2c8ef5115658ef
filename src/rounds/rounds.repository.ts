import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { scopedQuery, visibleRounds } from '../access/visibility';
import { RowMapper } from '../database/row-mapper';
import type { AuthUser } from '../identity/auth-user';
import { ListRoundsQuery } from './round.dto';
import { RoundEntity } from './round.entity';

@Injectable()
export class RoundsRepository {
  findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundEntity | null> {
    return RowMapper.of(manager, RoundEntity).findById(manager, id, { scope: visibleRounds(auth) });
  }

  list(manager: EntityManager, auth: AuthUser, query: ListRoundsQuery): Promise<[RoundEntity[], number]> {
    const builder = scopedQuery(manager, RoundEntity, visibleRounds(auth));
    if (query.state) builder.andWhere('round.state = :state', { state: query.state });
    if (query.type) builder.andWhere('round.types LIKE :type', { type: `%"${query.type}"%` });
    if (query.departmentId) builder.andWhere('round.departmentId = :departmentId', { departmentId: query.departmentId });
    if (query.scheduledFrom) builder.andWhere('round.scheduledFor >= :scheduledFrom', { scheduledFrom: query.scheduledFrom });
    if (query.scheduledTo) builder.andWhere('round.scheduledFor <= :scheduledTo', { scheduledTo: query.scheduledTo });
    return builder
      .orderBy('round.scheduledFor', 'DESC')
      .addOrderBy('round.id', 'ASC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
  }
}
