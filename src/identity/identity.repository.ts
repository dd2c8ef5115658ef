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

  async findActiveUser(id: string): Promise<{ tokenVersion: number; auth: AuthUser } | null> {
    return this.db.read(async (manager) => {
      const user = await manager.findOneBy(UserEntity, { id, active: true });
      if (!user) return null;
      return { tokenVersion: user.tokenVersion, auth: await this.toAuthUser(manager, user) };
    });
  }

  findUserByUsername(username: string): Promise<UserEntity | null> {
    return this.db.read((manager) => manager.findOneBy(UserEntity, { username }));
  }

  async toAuthUser(manager: EntityManager, user: UserEntity): Promise<AuthUser> {
    const department = user.departmentId ? await manager.findOneBy(DepartmentEntity, { id: user.departmentId }) : null;
    return {
      id: user.id,
      username: user.username,
      roles: user.roles,
      departmentId: user.departmentId,
      leadOfficeFor: department?.leadOfficeFor ?? [],
    };
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
