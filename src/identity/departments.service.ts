import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import type { AuthUser } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQuery } from './identity.dto';
import { IntegrityAuthority } from './integrity-authority';
import { recordSecurityEvent, signedIn } from './security-events';

@Injectable()
export class DepartmentsService {
  constructor(
    private readonly db: Database,
    private readonly integrity: IntegrityAuthority,
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
      const grantedAs = leadOfficeFor.includes('integrity') ? await this.integrity.grantedAs(manager, auth, 'the integrity lead office') : undefined;
      const department = manager.create(DepartmentEntity, {
        id: randomUUID(),
        code: dto.code,
        name: dto.name,
        kind: dto.kind,
        partyBranch: dto.partyBranch ?? null,
        leadOfficeFor,
      });
      const saved = await manager.save(department);
      if (leadOfficeFor.length > 0) {
        recordSecurityEvent(manager, {
          at: this.clock.now(),
          type: 'LEAD_OFFICE_SET',
          actor: signedIn(auth),
          entityType: 'department',
          entityId: saved.id,
          payload: { code: saved.code, leadOfficeFor, ...(grantedAs && { grantedAs }) },
        });
      }
      return DepartmentDto.from(saved);
    });
  }

  async list(_auth: AuthUser, query: ListDepartmentsQuery): Promise<Page<DepartmentDto>> {
    const [departments, total] = await this.db.read((manager) =>
      manager.findAndCount(DepartmentEntity, { order: { code: 'ASC' }, take: query.limit, skip: query.offset }),
    );
    return page(departments.map(DepartmentDto.from), total, query);
  }
}
