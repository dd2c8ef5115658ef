import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database.service';
import type { AuthUser } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQuery } from './identity.dto';

@Injectable()
export class DepartmentsService {
  constructor(private readonly db: Database) {}

  create(auth: AuthUser, dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.db.write(auth.request, async (manager) => {
      if (await manager.existsBy(DepartmentEntity, { code: dto.code })) {
        throw new ConflictException(`A department with code "${dto.code}" exists`);
      }
      const department = manager.create(DepartmentEntity, {
        id: randomUUID(),
        code: dto.code,
        name: dto.name,
        kind: dto.kind,
        partyBranch: dto.partyBranch ?? null,
        leadOfficeFor: dto.leadOfficeFor ?? [],
      });
      return DepartmentDto.from(await manager.save(department));
    });
  }

  async list(_auth: AuthUser, query: ListDepartmentsQuery): Promise<Page<DepartmentDto>> {
    const [departments, total] = await this.db.read((manager) =>
      manager.findAndCount(DepartmentEntity, { order: { code: 'ASC' }, take: query.limit, skip: query.offset }),
    );
    return page(departments.map(DepartmentDto.from), total, query);
  }
}
