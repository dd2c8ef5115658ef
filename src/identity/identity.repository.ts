import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { Database } from '../database/database';
import type { AuthUser } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { PartyBranchEntity } from './party-branch.entity';
import { SessionEntity } from './session.entity';
import { UserEntity } from './user.entity';

/** An account as the auth guard needs it. */
export interface Caller {
  active: boolean;
  tokenVersion: number;
  mustChangePassword: boolean;
  user: Omit<AuthUser, 'request' | 'credential'>;
}

const INTEGRITY_GRANT_LOCK = 0x64697363; // "disc"

const CALLER_COLUMNS = `u."id", u."username", u."roles", u."departmentId", u."tokenVersion", u."active", u."mustChangePassword", d."leadOfficeFor"`;

// SQLite answers booleans as 0/1.
const toCaller = (row: Record<string, string | number | boolean | null>): Caller => ({
  active: Boolean(row.active),
  tokenVersion: Number(row.tokenVersion),
  mustChangePassword: Boolean(row.mustChangePassword),
  user: {
    id: String(row.id),
    username: String(row.username),
    roles: JSON.parse(String(row.roles)),
    departmentId: row.departmentId === null ? null : String(row.departmentId),
    leadOfficeFor: row.leadOfficeFor ? JSON.parse(String(row.leadOfficeFor)) : [],
  },
});

/** Queries on users, departments and the credentials that sign them in. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly db: Database) {}

  /**
   * The signed-in caller of a session, read on every request: the account must still be active and
   * the session not revoked. One plain query: building and hydrating it with the query builder
   * costs several times what SQLite takes to answer it.
   */
  async findSessionCaller(userId: string, sessionId: string): Promise<Caller | null> {
    const [row] = await this.db.read((manager) =>
      manager.query(
        `SELECT ${CALLER_COLUMNS} FROM "users" u
           LEFT JOIN "departments" d ON d."id" = u."departmentId"
           JOIN "sessions" s ON s."id" = ${this.placeholder(1)} AND s."userId" = u."id" AND s."revokedAt" IS NULL
          WHERE u."id" = ${this.placeholder(2)}`,
        [sessionId, userId],
      ),
    );
    return row ? toCaller(row) : null;
  }

  /** The user a tablet acts as, if its token names a device that is not revoked. */
  async findDeviceCaller(tokenHash: string): Promise<(Caller & { deviceId: string }) | null> {
    const [row] = await this.db.read((manager) =>
      manager.query(
        `SELECT ${CALLER_COLUMNS}, dv."id" AS "deviceId" FROM "devices" dv
           JOIN "users" u ON u."id" = dv."userId"
           LEFT JOIN "departments" d ON d."id" = u."departmentId"
          WHERE dv."tokenHash" = ${this.placeholder(1)} AND dv."revokedAt" IS NULL`,
        [tokenHash],
      ),
    );
    return row ? { ...toCaller(row), deviceId: row.deviceId } : null;
  }

  /** SQLite's `?` take the parameters in the order they appear: number them in that order. */
  private placeholder(position: number): string {
    return this.db.isPostgres ? `$${position}` : '?';
  }

  /** Bumps the user's token version and ends its sessions: every token it holds stops working at once. */
  async invalidateTokens(manager: EntityManager, userId: string, at: Date): Promise<void> {
    await manager.increment(UserEntity, { id: userId }, 'tokenVersion', 1);
    await manager.update(SessionEntity, { userId, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Active administrators other than `userId`; on PostgreSQL their rows stay locked, so two demotions cannot both pass. */
  async activeAdminsOtherThan(manager: EntityManager, userId: string): Promise<number> {
    const query = manager
      .createQueryBuilder(UserEntity, 'user')
      .where('user.active = :active', { active: true })
      .andWhere('user.roles LIKE :admin', { admin: '%"admin"%' })
      .andWhere('user.id <> :userId', { userId });
    if (this.db.isPostgres) query.setLock('pessimistic_write');
    return (await query.getMany()).length;
  }

  /**
   * Active users holding the discipline_office role. On PostgreSQL the counts of concurrent
   * grants take turns (a lock held to COMMIT), so two administrators cannot both find none and
   * both appoint "the first"; SQLite's writes take turns already.
   */
  /** Accounts holding the discipline_office role, disabled ones too. */
  async disciplineOfficeAccounts(manager: EntityManager): Promise<number> {
    if (this.db.isPostgres) await manager.query('SELECT pg_advisory_xact_lock($1)', [INTEGRITY_GRANT_LOCK]);
    return manager.createQueryBuilder(UserEntity, 'user').where('user.roles LIKE :role', { role: '%"discipline_office"%' }).getCount();
  }

  findUserByUsername(username: string): Promise<UserEntity | null> {
    return this.db.read((manager) => manager.findOneBy(UserEntity, { username }));
  }

  findDepartment(manager: EntityManager, id: string): Promise<DepartmentEntity | null> {
    return manager.findOneBy(DepartmentEntity, { id });
  }

  findPartyBranch(manager: EntityManager, id: string): Promise<PartyBranchEntity | null> {
    return manager.findOneBy(PartyBranchEntity, { id });
  }

  /** Whether both departments belong to one Party branch. */
  async sameBranch(manager: EntityManager, departmentId: string, otherId: string): Promise<boolean> {
    const departments = await manager.find(DepartmentEntity, { select: { id: true, partyBranchId: true }, where: { id: In([departmentId, otherId]) } });
    return departments.length === 2 && departments[0].partyBranchId !== null && departments[0].partyBranchId === departments[1].partyBranchId;
  }

  /** The name of each branch the departments belong to, by id. */
  async partyBranchNames(manager: EntityManager, departments: DepartmentEntity[]): Promise<Map<string, string>> {
    const ids = [...new Set(departments.flatMap((department) => department.partyBranchId ?? []))];
    const branches = ids.length === 0 ? [] : await manager.find(PartyBranchEntity, { select: { id: true, name: true }, where: { id: In(ids) } });
    return new Map(branches.map((branch) => [branch.id, branch.name]));
  }

  /** Whether the user is an active member of the department. */
  isActiveMember(manager: EntityManager, departmentId: string, userId: string): Promise<boolean> {
    return manager.existsBy(UserEntity, { id: userId, departmentId, active: true });
  }

  findUsers(manager: EntityManager, ids: string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(UserEntity, { id: In(ids) });
  }

  countUsers(): Promise<number> {
    return this.db.read((manager) => manager.count(UserEntity));
  }
}
