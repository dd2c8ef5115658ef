import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { seesContactsOf } from '../access/visibility';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, containing, page } from '../common/pagination';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import type { Role } from '../../workflows';
import type { AuthUser } from './auth-user';
import { CONTACT_FIELDS, ContactDto, ContactField, ContactFieldsDto, CreateUserDto, ListUsersQuery, PasswordResetDto, UpdateUserDto, UserDto } from './identity.dto';
import { IdentityRepository } from './identity.repository';
import { IntegrityAuthority, holdsIntegrityAuthority } from './integrity-authority';
import { hashPassword, passwordProblem } from './passwords';
import { SERVICE, SecurityActor, recordSecurityEvent, signedIn } from './security-events';
import { UserEntity } from './user.entity';

/** The contact fields `dto` gives a value other than the account's, and those values (undefined: left as it is). */
function changedContact(user: UserEntity, dto: ContactFieldsDto): { fields: ContactField[]; values: Partial<ContactDto> } {
  const fields = CONTACT_FIELDS.filter((field) => dto[field] !== undefined && dto[field] !== user[field]);
  return { fields, values: Object.fromEntries(fields.map((field) => [field, dto[field]])) };
}

/** Roles whose work is tied to a department: its own findings, or the round types it leads. */
const DEPARTMENT_ROLES: readonly Role[] = ['department_staff', 'verifier'];

const DISCIPLINE_ROLE: Role = 'discipline_office';
const INTEGRITY_AUTHORITY = "integrity authority (the discipline_office role, or a verifier's seat in the integrity lead office)";

/** Accounts, as an administrator manages them; integrity authority, as the discipline office gives it. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
    private readonly integrity: IntegrityAuthority,
    private readonly clock: Clock,
  ) {}

  /** `auth` null: the service creating the first account. */
  async create(auth: AuthUser | null, dto: CreateUserDto): Promise<UserDto> {
    this.assertDepartmentFits(dto.roles, dto.departmentId ?? null);
    const problem = passwordProblem(dto.password, dto.username);
    if (problem) throw new InvalidInputException([{ field: 'password', reason: problem }]);
    const passwordHash = await hashPassword(dto.password);
    return this.db.write(auth?.request ?? null, async (manager) => {
      await this.assertDepartmentExists(manager, dto.departmentId);
      if (await manager.existsBy(UserEntity, { username: dto.username })) {
        throw new ConflictException(`The username "${dto.username}" is taken`);
      }
      const holds = await holdsIntegrityAuthority(manager, this.identity, dto.roles, dto.departmentId ?? null);
      const grantedAs = holds ? await this.integrity.grantedAs(manager, auth, INTEGRITY_AUTHORITY) : undefined;
      const user = manager.create(UserEntity, {
        id: randomUUID(),
        username: dto.username,
        passwordHash,
        displayName: dto.displayName,
        roles: dto.roles,
        departmentId: dto.departmentId ?? null,
        active: true,
        mustChangePassword: false,
        tokenVersion: 0,
      });
      await manager.insert(UserEntity, user);
      this.record(manager, auth ? signedIn(auth) : SERVICE, 'USER_CREATED', user.id, { roles: user.roles, departmentId: user.departmentId, ...(grantedAs && { grantedAs }) });
      return UserDto.from(user, seesContactsOf(auth ?? user, user));
    });
  }

  /** A page of accounts, filtered and sorted by the database (the console's lists). */
  async list(auth: AuthUser, query: ListUsersQuery): Promise<Page<UserDto>> {
    const [users, total] = await this.db.read((manager) => {
      const builder = manager.createQueryBuilder(UserEntity, 'user');
      if (query.q) builder.andWhere("(LOWER(user.username) LIKE :q ESCAPE '\\' OR LOWER(user.displayName) LIKE :q ESCAPE '\\')", { q: containing(query.q) });
      // Roles are stored as a JSON array: each one quoted.
      if (query.role) builder.andWhere('user.roles LIKE :role', { role: `%"${query.role}"%` });
      if (query.departmentId) builder.andWhere('user.departmentId = :departmentId', { departmentId: query.departmentId });
      return builder
        .orderBy(`user.${query.sort ?? 'username'}`, query.order === 'desc' ? 'DESC' : 'ASC')
        .addOrderBy('user.id', 'ASC')
        .take(query.limit)
        .skip(query.offset)
        .getManyAndCount();
    });
    return page(users.map((user) => UserDto.from(user, seesContactsOf(auth, user))), total, query);
  }

  /**
   * Changing roles or disabling ends every token the user holds; each change is a security event.
   * Nobody changes their own roles. Integrity authority (the discipline_office role, a verifier's
   * seat in the integrity lead office) is given, taken back and opened again under
   * IntegrityAuthority; everything else, disabling included, is an administrator's.
   */
  update(auth: AuthUser, id: string, dto: UpdateUserDto): Promise<UserDto> {
    return this.db.write(auth.request, async (manager) => {
      const user = await this.load(manager, id);
      const roles = dto.roles ?? user.roles;
      const granted = roles.filter((role) => !user.roles.includes(role));
      const revoked = user.roles.filter((role) => !roles.includes(role));
      const rolesChanged = granted.length + revoked.length > 0;
      if (rolesChanged && user.id === auth.id) throw new ForbiddenException(`Nobody changes their own roles: another administrator does, or for integrity authority another discipline-office user`);
      const departmentId = dto.departmentId === undefined ? user.departmentId : dto.departmentId;
      const active = dto.disabled === undefined ? user.active : !dto.disabled;
      const details = { displayName: dto.displayName ?? user.displayName, departmentId };
      const detailsChanged = details.displayName !== user.displayName || details.departmentId !== user.departmentId;
      const contact = changedContact(user, dto);
      this.assertDepartmentFits(roles, departmentId);
      if (departmentId !== user.departmentId) await this.assertDepartmentExists(manager, departmentId ?? undefined);

      const held = await holdsIntegrityAuthority(manager, this.identity, user.roles, user.departmentId);
      const holds = await holdsIntegrityAuthority(manager, this.identity, roles, departmentId);
      const enabled = active && !user.active;
      // The integrity roles are the discipline_office role, and verifier where the account sits in the integrity lead office.
      const integrityRole = (role: Role) => role === DISCIPLINE_ROLE || (role === 'verifier' && (held || holds));
      // Any contact field sent, changed or not: a refusal only when it differs would tell the sender whether a guess is right.
      const contactSent = CONTACT_FIELDS.some((field) => dto[field] !== undefined);
      const administrative = [...granted, ...revoked].some((role) => !integrityRole(role)) || detailsChanged || contactSent || (active !== user.active && !(enabled && holds));
      if (administrative && !auth.roles.includes('admin')) {
        throw new ForbiddenException('Only an administrator changes an account beyond its integrity authority');
      }
      const grantedAs = held !== holds || (enabled && holds) ? await this.integrity.grantedAs(manager, auth, INTEGRITY_AUTHORITY) : undefined;
      if (!active) await this.assertAnotherAdminRemains(manager, user);

      const at = this.clock.now();
      const actor = signedIn(auth);
      if (rolesChanged || active !== user.active) await this.identity.invalidateTokens(manager, user.id, at);
      const authority = grantedAs && { grantedAs, integrityAuthority: holds };
      if (rolesChanged) this.record(manager, actor, 'ROLES_CHANGED', user.id, { from: user.roles, to: roles, granted, revoked, ...authority });
      if (active !== user.active) this.record(manager, actor, active ? 'USER_ENABLED' : 'USER_DISABLED', user.id, { ...authority });
      if (detailsChanged) this.record(manager, actor, 'USER_UPDATED', user.id, { from: { displayName: user.displayName, departmentId: user.departmentId }, to: details, ...authority });
      // The fields, not their values: the discipline office reads the log too.
      if (contact.fields.length > 0) this.record(manager, actor, 'CONTACT_CHANGED', user.id, { fields: contact.fields });

      await manager.update(UserEntity, { id }, { ...details, ...contact.values, roles, active });
      const updated = (await manager.findOneBy(UserEntity, { id }))!;
      return UserDto.from(updated, seesContactsOf(auth, updated));
    });
  }

  /** The caller's own contacts (PATCH /me/contact); audited as an administrator's change is. */
  updateOwnContact(auth: AuthUser, dto: ContactFieldsDto): Promise<ContactDto> {
    return this.db.write(auth.request, async (manager) => {
      const user = await this.load(manager, auth.id);
      const contact = changedContact(user, dto);
      if (contact.fields.length > 0) {
        this.record(manager, signedIn(auth), 'CONTACT_CHANGED', user.id, { fields: contact.fields });
        await manager.update(UserEntity, { id: user.id }, contact.values);
      }
      return ContactDto.from({ ...user, ...contact.values });
    });
  }

  /**
   * A temporary password, shown once; the user must replace it before doing anything else. Into an
   * account holding integrity authority only the discipline office lets anyone (IntegrityAuthority);
   * into any other, an administrator.
   */
  async resetPassword(auth: AuthUser, id: string): Promise<PasswordResetDto> {
    const temporaryPassword = randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(temporaryPassword);
    return this.db.write(auth.request, async (manager) => {
      const user = await this.load(manager, id);
      const holds = await holdsIntegrityAuthority(manager, this.identity, user.roles, user.departmentId);
      const grantedAs = holds ? await this.integrity.grantedAs(manager, auth, `a way into an account with ${INTEGRITY_AUTHORITY}`) : undefined;
      if (!holds && !auth.roles.includes('admin')) throw new ForbiddenException("An administrator resets the passwords of accounts without integrity authority");
      const at = this.clock.now();
      await this.identity.invalidateTokens(manager, user.id, at);
      await manager.update(UserEntity, { id }, { passwordHash, mustChangePassword: true });
      this.record(manager, signedIn(auth), 'PASSWORD_RESET', user.id, grantedAs && { grantedAs });
      return { temporaryPassword };
    });
  }

  private async load(manager: EntityManager, id: string): Promise<UserEntity> {
    const user = await RowMapper.of(manager, UserEntity).findById(manager, id, { lock: true });
    if (!user) throw new NotFoundException(`No user ${id}`);
    return user;
  }

  private record(manager: EntityManager, actor: SecurityActor, type: 'USER_CREATED' | 'USER_UPDATED' | 'CONTACT_CHANGED' | 'ROLES_CHANGED' | 'USER_DISABLED' | 'USER_ENABLED' | 'PASSWORD_RESET', userId: string, payload?: Record<string, unknown>): void {
    return recordSecurityEvent(manager, { at: this.clock.now(), type, actor, entityType: 'user', entityId: userId, payload });
  }

  private assertDepartmentFits(roles: readonly Role[], departmentId: string | null): void {
    if (!departmentId && roles.some((role) => DEPARTMENT_ROLES.includes(role))) {
      throw new InvalidInputException([{ field: 'departmentId', reason: 'is required for department_staff and verifier users' }]);
    }
  }

  private async assertDepartmentExists(manager: EntityManager, departmentId: string | undefined): Promise<void> {
    if (departmentId && !(await this.identity.findDepartment(manager, departmentId))) {
      throw new InvalidInputException([{ field: 'departmentId', reason: 'names no known department' }]);
    }
  }

  /** Someone must still be able to manage accounts (an administrator's own roles are another's to change, so only disabling can remove the last). */
  private async assertAnotherAdminRemains(manager: EntityManager, user: UserEntity): Promise<void> {
    if (!user.active || !user.roles.includes('admin')) return;
    const others = await this.identity.activeAdminsOtherThan(manager, user.id);
    if (others === 0) throw new ConflictException('This is the last active administrator: it cannot be disabled');
  }
}
