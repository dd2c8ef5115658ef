import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { visibleRounds } from '../access/visibility';
import type { AuthUser } from '../identity/auth-user';
import { ListRoundsQuery } from './round.dto';
import { RoundEntity } from './round.entity';

@Injectable()
export class RoundsRepository {
  findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundEntity | null> {
    return manager
      .createQueryBuilder(RoundEntity, 'round')
      .where('round.id = :id', { id })
      .andWhere(visibleRounds(auth))
      .getOne();
  }

  list(manager: EntityManager, auth: AuthUser, query: ListRoundsQuery): Promise<[RoundEntity[], number]> {
    const builder = manager.createQueryBuilder(RoundEntity, 'round').where(visibleRounds(auth));
    if (query.state) builder.andWhere('round.state = :state', { state: query.state });
    if (query.type) builder.andWhere('round.types LIKE :type', { type: `%"${query.type}"%` });
    if (query.departmentId) builder.andWhere('round.departmentId = :departmentId', { departmentId: query.departmentId });
    return builder
      .orderBy('round.scheduledFor', 'DESC')
      .addOrderBy('round.id', 'ASC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
  }
}
