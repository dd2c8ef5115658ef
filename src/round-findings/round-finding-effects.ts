import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, Envelope, FindingInput, LoggedFinding, RoundContext, RoundEvent, RoundType, SYSTEM_ACTOR, addressedPart, partOf } from '../../workflows';
import { AppConfig } from '../config/app-config';
import { RowMapper } from '../database/row-mapper';
import { Applied, EnvelopedEvent, WorkflowEngine } from '../engine/workflow.engine';
import { AttachmentsService } from '../attachments/attachments.service';
import { FINDING } from '../findings/finding.kind';
import { FindingsRepository } from '../findings/findings.repository';
import { RoundEntity } from '../rounds/round.entity';
import { ROUND } from '../rounds/round.kind';

/**
 * What rounds and findings ask of each other, done by the engine in the same transaction:
 * a round's LOG_FINDING creates the finding with its photos, SUBMIT assigns its reported findings,
 * CANCEL withdraws its open ones; a finding settling may complete its round, a reopened one reopens it.
 */
@Injectable()
export class RoundFindingEffects implements OnModuleInit {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly findings: FindingsRepository,
    private readonly attachments: AttachmentsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.engine.effects(ROUND, {
      createFinding: (manager, round, event) => this.createFinding(manager, round, event),
      // A part's lead submitting the part assigns its findings, in that lead's name.
      assignReportedFindings: (manager, round, event) =>
        this.sendToFindings(manager, round.row.id, 'reported', partSubmitted(round, event), { type: 'ASSIGN', actor: event.actor }, event),
      // The round's lead may not lead every part, so the service withdraws the findings itself.
      withdrawOpenFindings: (manager, round, event) =>
        this.sendToFindings(manager, round.row.id, 'open', undefined, { type: 'WITHDRAW', reason: `Round cancelled: ${String(event.reason)}`, actor: SYSTEM_ACTOR }, event),
      completeIfSettled: (manager, round, event) => this.completeRoundIfSettled(manager, round.row.id, event),
    });
    this.engine.effects(FINDING, {
      findingSettled: (manager, finding, event) => this.completeRoundIfSettled(manager, finding.row.roundId, event),
      findingReopened: (manager, finding, event) => this.reopenRound(manager, finding.row.roundId, event),
    });
  }

  private async createFinding(manager: EntityManager, round: Applied<RoundEntity>, event: EnvelopedEvent): Promise<void> {
    const finding = event.finding as LoggedFinding;
    const roundContext = round.snapshot.context as RoundContext;
    const input: FindingInput = {
      roundId: round.row.id,
      source: 'round',
      roundType: finding.roundType,
      severity: finding.severity,
      // Each part of a joint round has its own lead, who assigns and may withdraw its findings.
      lead: { kind: 'round_lead', userId: partOf(roundContext, finding.roundType)?.leadId ?? roundContext.leadId },
      responsibleDepartmentId: finding.responsibleDepartment.id,
      responsiblePersonId: finding.responsiblePersonId ?? null,
      ...this.config.findingRules(finding.severity),
      photos: finding.photos ?? [],
    };
    await this.engine.create(manager, FINDING, {
      id: finding.id,
      workflowId: 'finding',
      input,
      columns: {
        roundId: round.row.id,
        source: 'round',
        roundType: finding.roundType,
        title: finding.title,
        description: finding.description,
        severity: finding.severity,
        location: finding.location,
        checklistItemCode: finding.checklistItemCode,
      },
      event: { type: 'LOG_FINDING', payload: { ...finding } },
      actor: event.actor,
    });
    await this.attachments.attach(manager, finding.photos ?? [], finding.id, new Date(event.at));
  }

  private async sendToFindings(
    manager: EntityManager,
    roundId: string,
    state: 'reported' | 'open',
    roundType: RoundType | undefined,
    event: { type: string; actor: Actor } & Record<string, unknown>,
    cause: EnvelopedEvent,
  ): Promise<void> {
    for (const finding of await this.findings.inRound(manager, roundId, state, roundType)) {
      await this.engine.applyWithin(manager, FINDING, finding.id, { ...event, ...sentWith(cause, event.actor) });
    }
  }

  /** A finding registered from another list has no round to complete or reopen. */
  private async completeRoundIfSettled(manager: EntityManager, roundId: string | null, cause: EnvelopedEvent): Promise<void> {
    if (roundId === null) return;
    const round = await RowMapper.of(manager, RoundEntity).findById(manager, roundId);
    if (round?.state !== 'submitted') return;
    const openFindings = await this.findings.countOpenInRound(manager, roundId);
    if (openFindings > 0) return;
    await this.engine.applyWithin(manager, ROUND, roundId, { type: 'COMPLETE', openFindings, ...sentWith(cause, SYSTEM_ACTOR) });
  }

  private async reopenRound(manager: EntityManager, roundId: string | null, cause: EnvelopedEvent): Promise<void> {
    if (roundId === null) return;
    const round = await RowMapper.of(manager, RoundEntity).findById(manager, roundId);
    if (round?.state !== 'completed') return;
    await this.engine.applyWithin(manager, ROUND, roundId, { type: 'FINDING_REOPENED', ...sentWith(cause, SYSTEM_ACTOR) });
  }
}

/** The envelope of an event the service sends because of `cause`: same moment, another sender. */
function sentWith(cause: EnvelopedEvent, actor: Actor): Envelope {
  return { actor, at: cause.at, today: cause.today, timeZone: cause.timeZone };
}

/** The part a SUBMIT was for. */
function partSubmitted(round: Applied<RoundEntity>, event: EnvelopedEvent): RoundType | undefined {
  return addressedPart(round.snapshot.context as RoundContext, event as unknown as RoundEvent);
}
