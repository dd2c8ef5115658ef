import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, Not } from 'typeorm';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { appendAudit } from '../audit/audit-writer';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from './auth-user';
import { DepartmentEntity } from './department.entity';
import { IdentityRepository } from './identity.repository';
import { PartyBranchEntity } from './party-branch.entity';
import { CreatePartyBranchDto, ListPartyBranchesQuery, PartyBranchDto, UpdatePartyBranchDto } from './party-branch.dto';

/** Party branches (党支部): an administrator's to make and change; every signed-in user may read them. */
@Injectable()
export class PartyBranchesService {
  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
    private readonly clock: Clock,
  ) {}

  create(auth: AuthUser, dto: CreatePartyBranchDto): Promise<PartyBranchDto> {
    return this.db.write(auth.request, async (manager) => {
      const branch = manager.create(PartyBranchEntity, { id: randomUUID(), code: dto.code, name: dto.name, secretaryId: dto.secretaryId ?? null });
      await this.assertValid(manager, branch);
      const saved = await manager.save(branch);
      this.audit(manager, auth, saved.id, 'PARTY_BRANCH_CREATED', { code: saved.code, name: saved.name, secretaryId: saved.secretaryId });
      return PartyBranchDto.from(saved, []);
    });
  }

  update(auth: AuthUser, id: string, dto: UpdatePartyBranchDto): Promise<PartyBranchDto> {
    return this.db.write(auth.request, async (manager) => {
      const branch = await this.find(manager, id);
      const changes = Object.fromEntries(Object.entries(dto).filter(([field, value]) => value !== undefined && value !== branch[field as keyof PartyBranchEntity]));
      Object.assign(branch, changes);
      await this.assertValid(manager, branch);
      const saved = await manager.save(branch);
      if (Object.keys(changes).length > 0) this.audit(manager, auth, id, 'PARTY_BRANCH_UPDATED', changes);
      return PartyBranchDto.from(saved, await this.departmentsOf(manager, id));
    });
  }

  async list(_auth: AuthUser, query: ListPartyBranchesQuery): Promise<Page<PartyBranchDto>> {
    return this.db.read(async (manager) => {
      const [branches, total] = await manager.findAndCount(PartyBranchEntity, { order: { code: 'ASC' }, take: query.limit, skip: query.offset });
      const departments = branches.length === 0 ? [] : await manager.find(DepartmentEntity, { where: { partyBranchId: In(branches.map((branch) => branch.id)) }, order: { code: 'ASC' } });
      const dtos = branches.map((branch) => PartyBranchDto.from(branch, departments.filter((department) => department.partyBranchId === branch.id)));
      return page(dtos, total, query);
    });
  }

  get(_auth: AuthUser, id: string): Promise<PartyBranchDto> {
    return this.db.read(async (manager) => PartyBranchDto.from(await this.find(manager, id), await this.departmentsOf(manager, id)));
  }

  private async find(manager: EntityManager, id: string): Promise<PartyBranchEntity> {
    const branch = await this.identity.findPartyBranch(manager, id);
    if (!branch) throw new NotFoundException(`No Party branch ${id}`);
    return branch;
  }

  private departmentsOf(manager: EntityManager, id: string): Promise<DepartmentEntity[]> {
    return manager.find(DepartmentEntity, { where: { partyBranchId: id }, order: { code: 'ASC' } });
  }

  /** The secretary is an active user; code and name are each the branch's own. */
  private async assertValid(manager: EntityManager, branch: PartyBranchEntity): Promise<void> {
    if (branch.secretaryId !== null) {
      const [secretary] = await this.identity.findUsers(manager, [branch.secretaryId]);
      if (!secretary?.active) throw new InvalidInputException([{ field: 'secretaryId', reason: 'must name an active user' }]);
    }
    for (const field of ['code', 'name'] as const) {
      if (await manager.existsBy(PartyBranchEntity, { [field]: branch[field], id: Not(branch.id) })) {
        throw new ConflictException(`A Party branch with ${field} "${branch[field]}" exists`);
      }
    }
  }

  private audit(manager: EntityManager, auth: AuthUser, id: string, event: string, payload: Record<string, unknown>): void {
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), entityType: 'party_branch', entityId: id, event, payload });
  }
}
