import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, containing, page } from '../common/pagination';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQuery, UpdateDepartmentDto } from './identity.dto';
import { IdentityRepository } from './identity.repository';
import { GrantedAs, IntegrityAuthority } from './integrity-authority';
import { recordSecurityEvent, signedIn } from './security-events';

@Injectable()
export class DepartmentsService {
  constructor(
    private readonly db: Database,
    private readonly integrity: IntegrityAuthority,
    private readonly identity: IdentityRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Departments are an administrator's, but the integrity lead office is made under IntegrityAuthority:
   * a discipline-office user may create that office (and nothing else). Making a lead office is a security event.
   */
  create(auth: AuthUser, dto: CreateDepartmentDto): Promise<DepartmentDto> {
    const leadOfficeFor = dto.leadOfficeFor ?? [];
    const integrityOnly = leadOfficeFor.length === 1 && leadOfficeFor[0] === 'integrity';
    if (!auth.roles.includes('admin') && !integrityOnly) {
      throw new ForbiddenException('Only an administrator creates departments; a discipline-office user creates only the integrity lead office');
    }
    return this.db.write(auth.request, async (manager) => {
      if (await manager.existsBy(DepartmentEntity, { code: dto.code })) {
        throw new ConflictException(`A department with code "${dto.code}" exists`);
      }
      await this.assertBranch(manager, dto.partyBranchId);
      const grantedAs = leadOfficeFor.includes('integrity') ? await this.integrity.grantedAs(manager, auth, 'the integrity lead office') : undefined;
      const department = manager.create(DepartmentEntity, {
        id: randomUUID(),
        code: dto.code,
        name: dto.name,
        kind: dto.kind,
        partyBranchId: dto.partyBranchId ?? null,
        leadOfficeFor,
      });
      const saved = await manager.save(department);
      if (leadOfficeFor.length > 0) this.leadOfficeSet(manager, auth, saved, grantedAs);
      return DepartmentDto.from(saved, await this.identity.partyBranchNames(manager, [saved]));
    });
  }

  /**
   * An administrator changes a department; giving or taking back the integrity lead office stays
   * under IntegrityAuthority, as at creation. Audited with what changed (and LEAD_OFFICE_SET when the lead offices do).
   */
  update(auth: AuthUser, id: string, dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.db.write(auth.request, async (manager) => {
      const department = await this.identity.findDepartment(manager, id);
      if (!department) throw new NotFoundException(`No department ${id}`);
      const changes = Object.fromEntries(
        Object.entries(dto).filter(([field, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(department[field as keyof DepartmentEntity])),
      ) as Partial<Pick<DepartmentEntity, 'name' | 'kind' | 'leadOfficeFor' | 'partyBranchId'>>;
      if (Object.keys(changes).length === 0) return DepartmentDto.from(department, await this.identity.partyBranchNames(manager, [department]));
      await this.assertBranch(manager, changes.partyBranchId);
      const integrityChanged = changes.leadOfficeFor && changes.leadOfficeFor.includes('integrity') !== department.leadOfficeFor.includes('integrity');
      const grantedAs = integrityChanged ? await this.integrity.grantedAs(manager, auth, 'the integrity lead office') : undefined;
      const before = Object.fromEntries(Object.keys(changes).map((field) => [field, department[field as keyof DepartmentEntity]]));
      const saved = await manager.save(Object.assign(department, changes));
      appendAudit(manager, {
        at: this.clock.now(),
        actorId: auth.id,
        actorRole: primaryRole(auth),
        entityType: 'department',
        entityId: id,
        event: 'DEPARTMENT_UPDATED',
        payload: { code: saved.code, changes },
        from: before,
        to: changes,
      });
      if (changes.leadOfficeFor) this.leadOfficeSet(manager, auth, saved, grantedAs);
      return DepartmentDto.from(saved, await this.identity.partyBranchNames(manager, [saved]));
    });
  }

  /** A page of departments, filtered and sorted by the database (the console's lists). */
  async list(_auth: AuthUser, query: ListDepartmentsQuery): Promise<Page<DepartmentDto>> {
    const [departments, total, branchNames] = await this.db.read(async (manager) => {
      const builder = manager.createQueryBuilder(DepartmentEntity, 'department');
      if (query.q) builder.andWhere("(LOWER(department.code) LIKE :q ESCAPE '\\' OR LOWER(department.name) LIKE :q ESCAPE '\\')", { q: containing(query.q) });
      if (query.kind) builder.andWhere('department.kind = :kind', { kind: query.kind });
      const [found, count] = await builder
        .orderBy(`department.${query.sort ?? 'code'}`, query.order === 'desc' ? 'DESC' : 'ASC')
        .addOrderBy('department.id', 'ASC')
        .take(query.limit)
        .skip(query.offset)
        .getManyAndCount();
      return [found, count, await this.identity.partyBranchNames(manager, found)] as const;
    });
    return page(
      departments.map((department) => DepartmentDto.from(department, branchNames)),
      total,
      query,
    );
  }

  private async assertBranch(manager: EntityManager, partyBranchId: string | null | undefined): Promise<void> {
    if (partyBranchId && !(await this.identity.findPartyBranch(manager, partyBranchId))) {
      throw new InvalidInputException([{ field: 'partyBranchId', reason: 'names no known Party branch' }]);
    }
  }

  private leadOfficeSet(manager: EntityManager, auth: AuthUser, department: DepartmentEntity, grantedAs: GrantedAs | undefined): void {
    const { leadOfficeFor } = department;
    recordSecurityEvent(manager, {
      at: this.clock.now(),
      type: 'LEAD_OFFICE_SET',
      actor: signedIn(auth),
      entityType: 'department',
      entityId: department.id,
      payload: { code: department.code, leadOfficeFor, ...(grantedAs && { grantedAs }) },
    });
  }
}
