import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ROUND_WORKFLOW_BY_TYPE, RoundInput, Snapshot } from '../../workflows';
import { visibleRounds } from '../access/visibility';
import { InvalidInputException } from '../common/api-error';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database.service';
import { WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, toActor } from '../identity/auth-user';
import { IdentityRepository } from '../identity/identity.repository';
import { CreateRoundDto, ListRoundsQuery, RoundDto, RoundEventBody } from './round.dto';
import { RoundEntity } from './round.entity';
import { ROUND } from './round.kind';
import { RoundsRepository } from './rounds.repository';

@Injectable()
export class RoundsService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly rounds: RoundsRepository,
    private readonly identity: IdentityRepository,
  ) {}

  create(auth: AuthUser, dto: CreateRoundDto): Promise<RoundDto> {
    return this.db.write(auth.request, async (manager) => {
      await this.assertReferences(manager, dto);
      const input: RoundInput = {
        types: dto.types,
        departmentId: dto.departmentId,
        leadId: dto.leadId,
        teamMemberIds: dto.teamMemberIds,
      };
      const { row, snapshot } = await this.engine.create(manager, ROUND, {
        id: randomUUID(),
        workflowId: ROUND_WORKFLOW_BY_TYPE[dto.types[0]],
        input,
        columns: { ...input, scheduledFor: dto.scheduledFor },
        event: { type: 'PLAN', payload: { ...dto } },
        actor: toActor(auth),
      });
      return this.toDto(auth, row, snapshot);
    });
  }

  async list(auth: AuthUser, query: ListRoundsQuery): Promise<Page<RoundDto>> {
    const [rounds, total] = await this.db.read((manager) => this.rounds.list(manager, auth, query));
    return page(
      rounds.map((round) => this.toDto(auth, round)),
      total,
      query,
    );
  }

  async get(auth: AuthUser, id: string): Promise<RoundDto> {
    return this.toDto(auth, await this.db.read((manager) => this.findVisible(manager, auth, id)));
  }

  send(auth: AuthUser, id: string, body: RoundEventBody, ifMatch?: number): Promise<RoundDto> {
    return this.db.write(auth.request, async (manager) => {
      const event = { ...body, ...this.engine.envelope(toActor(auth)) };
      const { row, snapshot } = await this.engine.apply(manager, ROUND, id, event, { ifMatch, scope: visibleRounds(auth) });
      return this.toDto(auth, row, snapshot);
    });
  }

  async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundEntity> {
    const round = await this.rounds.findVisible(manager, auth, id);
    if (!round) throw new NotFoundException(`No round ${id}`);
    return round;
  }

  private toDto(auth: AuthUser, round: RoundEntity, snapshot?: Snapshot): RoundDto {
    return RoundDto.from(round, this.engine.availableEvents(round, toActor(auth), snapshot));
  }

  private async assertReferences(manager: EntityManager, dto: CreateRoundDto): Promise<void> {
    const problems = [];
    if (!(await this.identity.findDepartment(manager, dto.departmentId))) {
      problems.push({ field: 'departmentId', reason: 'names no known department' });
    }
    const users = await this.identity.findUsers(manager, [dto.leadId, ...dto.teamMemberIds]);
    const user = (id: string) => users.find((u) => u.id === id && u.active);
    if (!user(dto.leadId)?.roles.includes('round_lead')) {
      problems.push({ field: 'leadId', reason: 'must name an active user with the round_lead role' });
    }
    dto.teamMemberIds.forEach((memberId, index) => {
      const roles = user(memberId)?.roles ?? [];
      if (!roles.includes('inspector') && !roles.includes('round_lead')) {
        problems.push({ field: `teamMemberIds[${index}]`, reason: 'must name an active inspector or round lead' });
      }
    });
    if (problems.length > 0) throw new InvalidInputException(problems);
  }
}
