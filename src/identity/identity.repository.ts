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

  /**
   * Read on every request, so one plain query: building and hydrating it with the query builder
   * costs several times what SQLite takes to answer it.
   */
  async findActiveUser(id: string): Promise<{ tokenVersion: number; auth: Omit<AuthUser, 'request'> } | null> {
    const placeholder = this.db.isPostgres ? '$1' : '?';
    const [row] = await this.db.read((manager) =>
      manager.query(
        `SELECT u."username", u."roles", u."departmentId", u."tokenVersion", u."active", d."leadOfficeFor"
           FROM "users" u LEFT JOIN "departments" d ON d."id" = u."departmentId"
          WHERE u."id" = ${placeholder}`,
        [id],
      ),
    );
    // SQLite answers booleans as 0/1.
    if (!row || !row.active) return null;
    return {
      tokenVersion: Number(row.tokenVersion),
      auth: {
        id,
        username: row.username,
        roles: JSON.parse(row.roles),
        departmentId: row.departmentId,
        leadOfficeFor: row.leadOfficeFor ? JSON.parse(row.leadOfficeFor) : [],
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
