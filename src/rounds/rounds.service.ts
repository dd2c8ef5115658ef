import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  Actor,
  PartState,
  PayloadProblem,
  RoundContext,
  RoundInput,
  RoundPart,
  Snapshot,
  missingItems,
  partScore,
  roundStatus,
  roundWorkflowId,
} from '../../workflows';
import { maySeePartResults } from '../access/visibility';
import { InvalidInputException } from '../common/api-error';
import { Page, page } from '../common/pagination';
import { ChecklistItem } from '../checklists/checklist-template.entity';
import { ChecklistsService } from '../checklists/checklists.service';
import { Database } from '../database/database';
import { Applied, WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, toActor } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { IdentityRepository } from '../identity/identity.repository';
import {
  CreateRoundDto,
  ItemResultDto,
  ListRoundsQuery,
  PartResultsDto,
  RecordResultDto,
  RoundDto,
  RoundEventBody,
  RoundResultsDto,
  TeamPlanDto,
  shownScore,
} from './round.dto';
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
    private readonly checklists: ChecklistsService,
  ) {}

  /** Plans a round; each part starts with the current checklist of its type and keeps that version. */
  create(auth: AuthUser, dto: CreateRoundDto): Promise<RoundDto> {
    return this.db.write(auth.request, async (manager) => {
      const { row, snapshot } = await this.planWithin(manager, toActor(auth), dto);
      return this.toDto(auth, row, snapshot);
    });
  }

  /** Plans a round in `manager`'s unit of work, as `actor`: POST /rounds, and each occurrence of a recurring plan. */
  async planWithin(manager: EntityManager, actor: Actor, dto: CreateRoundDto): Promise<Applied<RoundEntity>> {
    const plans = this.partPlans(dto);
    await this.assertReferences(manager, dto, plans);
    const checklists = await this.checklists.currentRefs(manager, dto.types);
    const input: RoundInput = {
      types: dto.types,
      departmentId: dto.departmentId,
      leadId: dto.leadId,
      teamMemberIds: dto.teamMemberIds,
      parts: plans.map((plan) => ({ ...plan, checklist: checklists.get(plan.type)! })),
    };
    const unannounced = dto.unannounced ?? dto.types.includes('integrity');
    const secretaryRound = dto.secretaryRound ?? false;
    return this.engine.create(manager, ROUND, {
      id: randomUUID(),
      workflowId: roundWorkflowId(dto.types),
      input,
      columns: { types: input.types, departmentId: dto.departmentId, leadId: dto.leadId, teamMemberIds: dto.teamMemberIds, scheduledFor: dto.scheduledFor, unannounced, secretaryRound },
      event: { type: 'PLAN', payload: { ...dto, unannounced, parts: input.parts } },
      actor,
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
    return this.engine.apply(
      auth,
      ROUND,
      id,
      body,
      // Effects may have moved the round on (a submitted round with nothing open completes at once).
      async ({ row, snapshot, actions }, manager) => (actions.length > 0 ? this.toDto(auth, await this.findVisible(manager, auth, id)) : this.toDto(auth, row, snapshot)),
      { ifMatch },
    );
  }

  async results(auth: AuthUser, id: string): Promise<RoundResultsDto> {
    return this.db.read(async (manager) => this.resultsOf(manager, auth, await this.findVisible(manager, auth, id)));
  }

  /**
   * Records one item's result through the round's RECORD_RESULT event, raising a finding from a
   * failed item in the same step if asked. Sending the same result again changes and writes nothing.
   */
  recordResult(auth: AuthUser, id: string, itemCode: string, dto: RecordResultDto, ifMatch?: number): Promise<RoundResultsDto> {
    return this.engine.apply(auth, ROUND, id, { ...dto, itemCode, type: 'RECORD_RESULT' }, ({ row }, manager) => this.resultsOf(manager, auth, row), { ifMatch });
  }

  async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundEntity> {
    const round = await this.rounds.findVisible(manager, auth, id);
    if (!round) throw new NotFoundException(`No round ${id}`);
    return round;
  }

  private toDto(auth: AuthUser, round: RoundEntity, snapshot?: Snapshot): RoundDto {
    return RoundDto.from(round, this.engine.availableEvents(round, toActor(auth), snapshot), (type) => maySeePartResults(auth, round, type));
  }

  private async resultsOf(manager: EntityManager, auth: AuthUser, round: RoundEntity): Promise<RoundResultsDto> {
    const context = round.snapshot.context as RoundContext;
    const parts = context.parts.filter((part) => maySeePartResults(auth, round, part.type));
    const templates = await this.checklists.findByIds(manager, parts.flatMap((part) => part.checklist.templateId ?? []));
    const status = roundStatus(round.snapshot.value);
    const { score, vetoed } = shownScore(round, (type) => maySeePartResults(auth, round, type));
    return {
      roundId: round.id,
      version: round.version,
      score,
      vetoed,
      parts: parts.map((part): PartResultsDto => {
        const template = templates.find((t) => t.id === part.checklist.templateId);
        const state: PartState = status.state === 'in_progress' ? (status.parts[part.type] ?? 'inspecting') : status.state;
        return {
          type: part.type,
          state,
          checklistId: part.checklist.templateId,
          checklistVersion: part.checklist.version,
          checklistTitle: template?.title ?? null,
          ...partScore(part),
          missingItems: missingItems(part.checklist, part.results),
          items: (template?.items ?? []).map((item) => itemResult(item, part)),
        };
      }),
    };
  }

  private partPlans(dto: CreateRoundDto): Omit<RoundPart, 'checklist' | 'results'>[] {
    if (!dto.parts) return dto.types.map((type) => ({ type, leadId: dto.leadId, teamMemberIds: dto.teamMemberIds }));
    const planned = dto.parts.map((part) => part.type);
    if (planned.length !== dto.types.length || dto.types.some((type) => !planned.includes(type))) {
      throw new InvalidInputException([{ field: 'parts', reason: `must hold one part for each of types: ${dto.types.join(', ')}` }]);
    }
    return dto.types.map((type) => {
      const { leadId, teamMemberIds } = dto.parts!.find((part) => part.type === type)!;
      return { type, leadId, teamMemberIds };
    });
  }

  private async assertReferences(manager: EntityManager, dto: CreateRoundDto, plans: Omit<RoundPart, 'checklist' | 'results'>[]): Promise<void> {
    const problems: PayloadProblem[] = [];
    const department = await this.identity.findDepartment(manager, dto.departmentId);
    if (!department) problems.push({ field: 'departmentId', reason: 'names no known department' });
    problems.push(...(await this.teamProblems(manager, dto, plans)));
    if (dto.secretaryRound && department) problems.push(...(await this.secretaryRoundProblems(manager, dto, department)));
    if (problems.length > 0) throw new InvalidInputException(problems);
  }

  /** What is wrong with a round's lead and team, and its parts' (a recurring plan's too), as fields of the request. */
  async teamProblems(manager: EntityManager, dto: TeamPlanDto & { parts?: TeamPlanDto[] }, plans: TeamPlanDto[] = []): Promise<PayloadProblem[]> {
    const problems: PayloadProblem[] = [];
    const ids = [dto.leadId, ...dto.teamMemberIds, ...plans.flatMap((plan) => [plan.leadId, ...plan.teamMemberIds])];
    const users = await this.identity.findUsers(manager, [...new Set(ids)]);
    const rolesOf = (id: string) => users.find((u) => u.id === id && u.active)?.roles ?? [];
    const checkLead = (id: string, field: string) => {
      if (!rolesOf(id).includes('round_lead')) problems.push({ field, reason: 'must name an active user with the round_lead role' });
    };
    const checkTeam = (memberIds: string[], field: string) =>
      memberIds.forEach((memberId, index) => {
        const roles = rolesOf(memberId);
        if (!roles.includes('inspector') && !roles.includes('round_lead')) {
          problems.push({ field: `${field}[${index}]`, reason: 'must name an active inspector or round lead' });
        }
      });
    checkLead(dto.leadId, 'leadId');
    checkTeam(dto.teamMemberIds, 'teamMemberIds');
    dto.parts?.forEach((part, index) => {
      checkLead(part.leadId, `parts[${index}].leadId`);
      checkTeam(part.teamMemberIds, `parts[${index}].teamMemberIds`);
    });
    return problems;
  }

  /** A secretary round (书记查房) has a Party-building part, led by the secretary of the visited department's branch. */
  private async secretaryRoundProblems(manager: EntityManager, dto: CreateRoundDto, department: DepartmentEntity): Promise<PayloadProblem[]> {
    if (!dto.types.includes('party_building')) return [{ field: 'secretaryRound', reason: 'a secretary round has a party_building part' }];
    const partIndex = dto.parts?.findIndex((part) => part.type === 'party_building') ?? -1;
    const [leadId, field] = partIndex >= 0 ? [dto.parts![partIndex].leadId, `parts[${partIndex}].leadId`] : [dto.leadId, 'leadId'];
    const branch = department.partyBranchId ? await this.identity.findPartyBranch(manager, department.partyBranchId) : null;
    if (!branch?.secretaryId) return [{ field, reason: "the visited department's Party branch has no secretary to lead a secretary round" }];
    return branch.secretaryId === leadId ? [] : [{ field, reason: "a secretary round's lead must be the secretary of the visited department's Party branch" }];
  }
}

function itemResult(item: ChecklistItem, part: RoundPart): ItemResultDto {
  const recorded = part.results[item.code];
  return {
    ...item,
    source: item.source ?? null,
    result: recorded?.result ?? null,
    deduction: recorded?.deduction ?? null,
    note: recorded?.note ?? null,
    findingId: recorded?.findingId ?? null,
    recordedBy: recorded?.recordedBy ?? null,
    recordedAt: recorded?.recordedAt ?? null,
  };
}
