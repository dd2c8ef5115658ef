import { ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, IsNull, MoreThanOrEqual } from 'typeorm';
import { Actor, PayloadProblem, SYSTEM_ACTOR, addDays } from '../../workflows';
import { scopedQuery, visibleRoundPlans } from '../access/visibility';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import { WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, primaryRole, toActor } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { RoundNotices } from '../notifications/round-notices';
import { RoundEntity } from '../rounds/round.entity';
import { ROUND } from '../rounds/round.kind';
import { RoundsService } from '../rounds/rounds.service';
import { Recurrence } from './recurrence';
import { CreateRoundPlanDto, RoundPlanDto, SkipOccurrenceDto, UpdateRoundPlanDto } from './round-plan.dto';
import { RoundPlanEntity, RoundPlanMaterialisationEntity } from './round-plan.entity';

/**
 * Recurring round plans. Only the plan's lead changes, skips or deletes it: cancelling the rounds
 * already planned is the lead's event on the round machine. Reads are for the people on the plan.
 */
@Injectable()
export class RoundPlansService {
  private readonly logger = new Logger(RoundPlansService.name);

  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly rounds: RoundsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notices: RoundNotices,
  ) {}

  /** Creates the plan and plans the occurrences already within the horizon, in one unit of work. */
  create(auth: AuthUser, dto: CreateRoundPlanDto): Promise<RoundPlanDto> {
    const until = dto.until ?? null;
    Recurrence.of(dto.rule, dto.startsOn, until);
    return this.db.write(auth.request, async (manager) => {
      await this.assertReferences(manager, dto);
      const now = this.clock.now();
      const plan: RoundPlanEntity = {
        id: randomUUID(),
        types: dto.types,
        departmentIds: dto.departmentIds ?? null,
        departmentKind: dto.departmentIds ? null : dto.departmentKind!,
        departmentOrder: dto.departmentOrder ?? 'all',
        rule: dto.rule,
        leadId: dto.leadId,
        teamMemberIds: dto.teamMemberIds,
        unannounced: dto.unannounced ?? dto.types.includes('integrity'),
        startsOn: dto.startsOn,
        until,
        skippedOn: [],
        missedOn: [],
        plannedThrough: null,
        deletedAt: null,
        createdBy: auth.id,
        createdAt: now,
      };
      await manager.insert(RoundPlanEntity, plan);
      const { id, createdBy: _by, createdAt: _at, deletedAt: _deleted, missedOn: _missed, plannedThrough: _through, ...payload } = plan;
      this.audit(manager, auth, id, 'CREATE_ROUND_PLAN', payload);
      await this.materialise(manager, plan);
      return RoundPlanDto.from(plan);
    });
  }

  list(auth: AuthUser): Promise<RoundPlanDto[]> {
    return this.db.read(async (manager) => (await this.onPlan(manager, auth).orderBy('plan.createdAt', 'ASC').addOrderBy('plan.id', 'ASC').getMany()).map(RoundPlanDto.from));
  }

  get(auth: AuthUser, id: string): Promise<RoundPlanDto> {
    return this.db.read(async (manager) => RoundPlanDto.from(await this.findVisible(manager, auth, id)));
  }

  /**
   * Changes the rule, lead, team or end from the hospital's today on. Rounds of the plan dated today
   * or later that have not started are cancelled and planned again under the new terms (a cancelled
   * round records why; an edited one would not); rounds started or dated before today are untouched.
   */
  update(auth: AuthUser, id: string, dto: UpdateRoundPlanDto): Promise<RoundPlanDto> {
    return this.db.write(auth.request, async (manager) => {
      const plan = await this.findOwn(manager, auth, id);
      const changed = { ...plan, ...dto, until: dto.until === undefined ? plan.until : dto.until };
      Recurrence.of(changed.rule, changed.startsOn, changed.until);
      const problems = await this.rounds.teamProblems(manager, changed);
      if (problems.length > 0) throw new InvalidInputException(problems);
      const today = this.today();
      await this.cancelPlanned(manager, auth, plan, today, `Round plan ${plan.id} changed`, true);
      await manager.update(RoundPlanEntity, { id }, { rule: changed.rule, leadId: changed.leadId, teamMemberIds: changed.teamMemberIds, until: changed.until });
      this.audit(manager, auth, id, 'UPDATE_ROUND_PLAN', { ...dto, from: today });
      await this.materialise(manager, changed);
      return RoundPlanDto.from(changed);
    });
  }

  /** Leaves out one occurrence not yet past; its rounds already planned and not started are cancelled. */
  skip(auth: AuthUser, id: string, dto: SkipOccurrenceDto): Promise<RoundPlanDto> {
    return this.db.write(auth.request, async (manager) => {
      const plan = await this.findOwn(manager, auth, id);
      if (dto.on < this.today()) throw new InvalidInputException([{ field: 'on', reason: 'must not be before today' }]);
      if (!Recurrence.of(plan.rule, plan.startsOn, plan.until).includes(dto.on)) {
        throw new InvalidInputException([{ field: 'on', reason: 'must be an occurrence of the plan' }]);
      }
      if (!plan.skippedOn.includes(dto.on)) {
        plan.skippedOn = [...plan.skippedOn, dto.on].sort();
        await manager.update(RoundPlanEntity, { id }, { skippedOn: plan.skippedOn });
        await this.cancelPlanned(manager, auth, plan, dto.on, `Occurrence ${dto.on} of round plan ${plan.id} skipped`, false, dto.on);
        this.audit(manager, auth, id, 'SKIP_ROUND_PLAN_OCCURRENCE', { on: dto.on });
      }
      return RoundPlanDto.from(plan);
    });
  }

  /** Ends the plan: its rounds dated today or later that have not started are cancelled; started ones go on. */
  remove(auth: AuthUser, id: string): Promise<void> {
    return this.db.write(auth.request, async (manager) => {
      const plan = await this.findOwn(manager, auth, id);
      const today = this.today();
      await this.cancelPlanned(manager, auth, plan, today, `Round plan ${plan.id} deleted`, false);
      await manager.update(RoundPlanEntity, { id }, { deletedAt: this.clock.now() });
      this.audit(manager, auth, id, 'DELETE_ROUND_PLAN', { from: today });
    });
  }

  /** Every live plan's id, for the scheduler. */
  livePlanIds(): Promise<string[]> {
    return this.db.read(async (manager) => (await manager.find(RoundPlanEntity, { select: { id: true }, where: { deletedAt: IsNull() } })).map((plan) => plan.id));
  }

  /** Plans the plan's occurrences within the horizon that no instance has planned yet, in a unit of work of its own. */
  materialisePlan(planId: string): Promise<number> {
    return this.db.write(null, async (manager) => {
      const plan = await RowMapper.of(manager, RoundPlanEntity).findById(manager, planId, { lock: true });
      return plan && plan.deletedAt === null ? this.materialise(manager, plan) : 0;
    });
  }

  /**
   * Plans each (occurrence, department) from today to the horizon once, through the path POST /rounds
   * takes, as `system`, telling its lead and team (`round_planned`). Insert first: the unique (planId, occursOn, departmentId) row is claimed before
   * the round is planned, so a second instance, or a second run, finds it taken and plans nothing.
   */
  private async materialise(manager: EntityManager, plan: RoundPlanEntity): Promise<number> {
    const today = this.today();
    const horizon = addDays(today, this.config.ROUND_PLAN_HORIZON_DAYS);
    await this.recordMissed(manager, plan, today);
    await manager.update(RoundPlanEntity, { id: plan.id }, { plannedThrough: horizon });
    const occurrences = Recurrence.of(plan.rule, plan.startsOn, plan.until)
      .between(today > plan.startsOn ? today : plan.startsOn, horizon)
      .filter(({ on }) => !plan.skippedOn.includes(on));
    if (occurrences.length === 0) return 0;
    const departments = await this.departmentsOf(manager, plan);
    let planned = 0;
    for (const { on, index } of occurrences) {
      const visited = plan.departmentOrder === 'rotate' ? departments.slice(index % departments.length, (index % departments.length) + 1) : departments;
      for (const departmentId of visited) {
        const claim = { id: randomUUID(), planId: plan.id, occursOn: on, departmentId, roundId: null };
        await manager.createQueryBuilder().insert().into(RoundPlanMaterialisationEntity).values(claim).orIgnore().execute();
        const held = await manager.findOneByOrFail(RoundPlanMaterialisationEntity, { planId: plan.id, occursOn: on, departmentId });
        if (held.id !== claim.id) continue;
        const { row } = await this.rounds.planWithin(manager, SYSTEM_ACTOR, {
          types: plan.types,
          departmentId,
          leadId: plan.leadId,
          teamMemberIds: plan.teamMemberIds,
          scheduledFor: on,
          unannounced: plan.unannounced,
        });
        await manager.update(RoundPlanMaterialisationEntity, { id: claim.id }, { roundId: row.id });
        await this.notices.planned(manager, row);
        planned++;
      }
    }
    return planned;
  }

  /**
   * Occurrences whose date passed while no instance ran (a stop longer than the horizon) are not
   * planned late, which would date rounds in the past: they are recorded on the plan, in its trail
   * and in the log, for the lead to plan by hand if the visit is still wanted.
   */
  private async recordMissed(manager: EntityManager, plan: RoundPlanEntity, today: string): Promise<void> {
    if (plan.plannedThrough === null || plan.plannedThrough >= addDays(today, -1)) return;
    const missed = Recurrence.of(plan.rule, plan.startsOn, plan.until)
      .between(addDays(plan.plannedThrough, 1), addDays(today, -1))
      .map(({ on }) => on)
      .filter((on) => !plan.skippedOn.includes(on));
    if (missed.length === 0) return;
    plan.missedOn = [...plan.missedOn, ...missed];
    await manager.update(RoundPlanEntity, { id: plan.id }, { missedOn: plan.missedOn });
    appendAudit(manager, { at: this.clock.now(), actorId: SYSTEM_ACTOR.id, actorRole: 'system', entityType: 'round_plan', entityId: plan.id, event: 'MISS_ROUND_PLAN_OCCURRENCES', payload: { occursOn: missed } });
    this.logger.warn(`Round plan ${plan.id} missed ${missed.join(', ')}: no instance ran while they came within the horizon`);
  }

  /** The named departments, or those of the plan's kind now; by code, so rotation has a stable order. */
  private async departmentsOf(manager: EntityManager, plan: RoundPlanEntity): Promise<string[]> {
    const where = plan.departmentIds ? { id: In(plan.departmentIds) } : { kind: plan.departmentKind! };
    return (await manager.find(DepartmentEntity, { select: { id: true }, where, order: { code: 'ASC' } })).map((department) => department.id);
  }

  /**
   * Cancels, as the caller (the lead), the plan's rounds dated from `from` (to `to`) that are still planned.
   * `forget` drops their claims too, so the occurrences are planned again under the plan's new terms.
   */
  private async cancelPlanned(manager: EntityManager, auth: AuthUser, plan: RoundPlanEntity, from: string, reason: string, forget: boolean, to?: string): Promise<void> {
    const claims = await manager.find(RoundPlanMaterialisationEntity, { where: { planId: plan.id, occursOn: MoreThanOrEqual(from) } });
    const inRange = claims.filter((claim) => (to === undefined || claim.occursOn <= to) && claim.roundId !== null);
    const planned = await manager.find(RoundEntity, { select: { id: true }, where: { id: In(inRange.map((claim) => claim.roundId!)), state: 'planned' } });
    const actor: Actor = toActor(auth);
    for (const { id } of planned) {
      await this.engine.applyWithin(manager, ROUND, id, { type: 'CANCEL', reason, ...this.engine.envelope(actor) });
    }
    if (forget && planned.length > 0) {
      await manager.delete(RoundPlanMaterialisationEntity, { roundId: In(planned.map((round) => round.id)) });
    }
  }

  private async assertReferences(manager: EntityManager, dto: CreateRoundPlanDto): Promise<void> {
    const problems: PayloadProblem[] = await this.rounds.teamProblems(manager, dto);
    const known = dto.departmentIds ? await manager.find(DepartmentEntity, { select: { id: true }, where: { id: In(dto.departmentIds) } }) : [];
    dto.departmentIds?.forEach((departmentId, index) => {
      if (!known.some((department) => department.id === departmentId)) problems.push({ field: `departmentIds[${index}]`, reason: 'names no known department' });
    });
    if (problems.length > 0) throw new InvalidInputException(problems);
  }

  /** Live plans the caller may read (visibleRoundPlans). */
  private onPlan(manager: EntityManager, auth: AuthUser) {
    return scopedQuery(manager, RoundPlanEntity, visibleRoundPlans(auth));
  }

  private async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundPlanEntity> {
    const plan = await this.onPlan(manager, auth).andWhere('plan.id = :id', { id }).getOne();
    if (!plan) throw new NotFoundException(`No round plan ${id}`);
    return plan;
  }

  /** The plan, locked against the scheduler, if the caller leads it. */
  private async findOwn(manager: EntityManager, auth: AuthUser, id: string): Promise<RoundPlanEntity> {
    await this.findVisible(manager, auth, id);
    const plan = (await RowMapper.of(manager, RoundPlanEntity).findById(manager, id, { lock: true }))!;
    if (plan.leadId !== auth.id) throw new ForbiddenException('Only the plan’s lead changes, skips or deletes it');
    return plan;
  }

  private today(): string {
    return this.clock.dateOf(this.clock.now());
  }

  private audit(manager: EntityManager, auth: AuthUser, planId: string, event: string, payload: Record<string, unknown>): void {
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), entityType: 'round_plan', entityId: planId, event, payload });
  }
}
