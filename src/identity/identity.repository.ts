import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database } from '../database/database.service';
import type { AuthUser } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { UserEntity } from './user.entity';

/** Queries on users and departments. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly db: Database) {}

  /** Read on every request, so in one query. */
  async findActiveUser(id: string): Promise<{ tokenVersion: number; auth: AuthUser } | null> {
    const row = await this.db.read((manager) =>
      manager
        .createQueryBuilder(UserEntity, 'user')
        .leftJoin(DepartmentEntity, 'department', 'department.id = user.departmentId')
        .select(['user.id', 'user.username', 'user.roles', 'user.departmentId', 'user.tokenVersion'])
        .addSelect('department.leadOfficeFor', 'leadOfficeFor')
        .where('user.id = :id AND user.active = :active', { id, active: true })
        .getRawAndEntities(),
    );
    const user = row.entities[0];
    if (!user) return null;
    const leadOfficeFor = row.raw[0].leadOfficeFor as string | null;
    return {
      tokenVersion: user.tokenVersion,
      auth: {
        id: user.id,
        username: user.username,
        roles: user.roles,
        departmentId: user.departmentId,
        leadOfficeFor: leadOfficeFor ? JSON.parse(leadOfficeFor) : [],
      },
    };
  }

  findUserByUsername(username: string): Promise<UserEntity | null> {
    return this.db.read((manager) => manager.findOneBy(UserEntity, { username }));
  }

  findDepartment(manager: EntityManager, id: string): Promise<DepartmentEntity | null> {
    return manager.findOneBy(DepartmentEntity, { id });
  }

  findUsers(manager: EntityManager, ids: string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(UserEntity, { id: In(ids) });
  }

  countUsers(): Promise<number> {
    return this.db.read((manager) => manager.count(UserEntity));
  }
}
