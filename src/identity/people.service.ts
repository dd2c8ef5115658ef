import { ForbiddenException, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { lookedUpPeople, looksUpPeople, scopedQuery } from '../access/visibility';
import { Page, containing, page } from '../common/pagination';
import { Database } from '../database/database';
import type { AuthUser } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { ListPeopleQuery, PersonDto } from './people.dto';
import { UserEntity } from './user.entity';

/** The people lookup planners pick a round's lead and team from (GET /users is the account managers'). */
@Injectable()
export class PeopleService {
  constructor(private readonly db: Database) {}

  /** A page of people, sorted by name; `q` is compared as text, its LIKE wildcards escaped. */
  async list(auth: AuthUser, query: ListPeopleQuery): Promise<Page<PersonDto>> {
    if (!looksUpPeople(auth)) throw new ForbiddenException('People are looked up by those who plan rounds: round leads, the lead offices, the discipline office and administrators');
    const [people, departments, total] = await this.db.read(async (manager) => {
      const builder = scopedQuery(manager, UserEntity, lookedUpPeople());
      if (query.q) builder.andWhere(`LOWER("person"."displayName") LIKE :q ESCAPE '\\'`, { q: containing(query.q) });
      if (query.role) builder.andWhere(`"person"."roles" LIKE :role`, { role: `%"${query.role}"%` });
      if (query.departmentId) builder.andWhere(`"person"."departmentId" = :departmentId`, { departmentId: query.departmentId });
      const [users, count] = await builder.orderBy('person.displayName', 'ASC').addOrderBy('person.id', 'ASC').take(query.limit).skip(query.offset).getManyAndCount();
      const departmentIds = [...new Set(users.flatMap((user) => user.departmentId ?? []))];
      const found = departmentIds.length === 0 ? [] : await manager.find(DepartmentEntity, { select: { id: true, name: true }, where: { id: In(departmentIds) } });
      return [users, new Map(found.map((department) => [department.id, department])), count] as const;
    });
    return page(people.map((user) => PersonDto.from(user, user.departmentId ? departments.get(user.departmentId) : undefined)), total, query);
  }
}
