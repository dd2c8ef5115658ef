import { ConflictException, Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { deductionOf, type LoggedFinding, type RoundContext, type RoundPart } from '../../workflows';
import { AttachmentsService } from '../attachments/attachments.service';
import { ChecklistsService } from '../checklists/checklists.service';
import { EventBody, UNCHANGED, WorkflowEngine } from '../engine/workflow.engine';
import { FindingEntity } from '../findings/finding.entity';
import type { LogFindingDto } from '../findings/finding.dto';
import type { AuthUser } from '../identity/auth-user';
import { IdentityRepository } from '../identity/identity.repository';
import type { RecordResultDto } from '../rounds/round.dto';
import { RoundEntity } from '../rounds/round.entity';
import { ROUND } from '../rounds/round.kind';
import { onlyType, partWithItem } from '../rounds/round-parts';
import { loggedFinding } from './logged-finding';

type RecordResultBody = RecordResultDto & { type: 'RECORD_RESULT'; itemCode: string };

/**
 * Turns a round's requests into its events, inside the transition's unit of work: a finding
 * logged, or raised from a failed item, is carried by the event whole, its department and photos
 * looked up, its defaults filled from the round and the checklist item.
 */
@Injectable()
export class RoundEventPreparer implements OnModuleInit {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly identity: IdentityRepository,
    private readonly checklists: ChecklistsService,
    private readonly attachments: AttachmentsService,
  ) {}

  onModuleInit(): void {
    this.engine.prepare(ROUND, (manager, auth, round, body) => this.prepare(manager, auth, round, body));
  }

  private async prepare(manager: EntityManager, auth: AuthUser, round: RoundEntity, body: EventBody): Promise<Record<string, unknown> | typeof UNCHANGED> {
    switch (body.type) {
      case 'LOG_FINDING':
        return this.logged(manager, auth, round, body as unknown as LogFindingDto & { id: string });
      case 'RECORD_RESULT':
        return this.result(manager, auth, round, body as unknown as RecordResultBody);
      default:
        return body;
    }
  }

  /** A tablet retrying with its own id gets the finding it logged; the same id with other content is 409. */
  private async logged(manager: EntityManager, auth: AuthUser, round: RoundEntity, dto: LogFindingDto & { id: string }): Promise<{ finding: LoggedFinding } | typeof UNCHANGED> {
    const roundType = dto.roundType ?? onlyType(round.types);
    const existing = await manager.findOneBy(FindingEntity, { id: dto.id });
    if (existing) {
      const same =
        existing.roundId === round.id &&
        existing.createdBy === auth.id &&
        existing.roundType === roundType &&
        existing.title === dto.title &&
        existing.description === dto.description &&
        existing.severity === dto.severity &&
        existing.location === (dto.location ?? null) &&
        existing.responsiblePersonId === (dto.responsiblePersonId ?? null);
      if (same) return UNCHANGED;
      throw new ConflictException(`A different finding with id ${dto.id} exists`);
    }
    const id = dto.id;
    const finding = await loggedFinding(manager, this.identity, round.departmentId, {
      id,
      roundType,
      severity: dto.severity,
      responsibleDepartmentId: dto.responsibleDepartmentId,
      responsiblePersonId: dto.responsiblePersonId ?? null,
      title: dto.title,
      description: dto.description,
      location: dto.location ?? null,
      checklistItemCode: null,
      photos: await this.attachments.resolve(manager, auth, dto.attachmentIds ?? [], id, 'attachmentIds'),
    });
    return { finding };
  }

  /**
   * A result recorded again as it stands, by the part's own team, changes and writes nothing; anyone
   * else is answered by the machine, and learns nothing of what is recorded.
   */
  private async result(manager: EntityManager, auth: AuthUser, round: RoundEntity, dto: RecordResultBody): Promise<Record<string, unknown> | typeof UNCHANGED> {
    const part = partWithItem(round.snapshot.context as RoundContext, dto.itemCode, dto.roundType);
    const recorded = part.results[dto.itemCode];
    const item = part.checklist.items.find((i) => i.code === dto.itemCode);
    const unchanged =
      recorded?.result === dto.result && recorded.deduction === deductionOf(item, dto.result, dto.deduction) && recorded.note === (dto.note ?? null);
    const onPartTeam = round.participantIds.includes(`${part.type}:${auth.id}`);
    if (unchanged && onPartTeam && (!dto.raiseFinding || recorded.findingId !== null)) return UNCHANGED;
    const raise = dto.raiseFinding && !recorded?.findingId;
    return {
      roundType: part.type,
      itemCode: dto.itemCode,
      result: dto.result,
      ...(dto.deduction !== undefined ? { deduction: dto.deduction } : {}),
      note: dto.note ?? null,
      ...(raise ? { finding: await this.raised(manager, auth, round, part, dto) } : {}),
    };
  }

  /** The finding a failed item raises, pre-filled from the item where the request leaves fields out. */
  private async raised(manager: EntityManager, auth: AuthUser, round: RoundEntity, part: RoundPart, dto: RecordResultBody): Promise<LoggedFinding> {
    const raise = dto.raiseFinding!;
    const [template] = await this.checklists.findByIds(manager, part.checklist.templateId ? [part.checklist.templateId] : []);
    const item = template?.items.find((i) => i.code === dto.itemCode);
    const id = raise.id ?? randomUUID();
    return loggedFinding(
      manager,
      this.identity,
      round.departmentId,
      {
        id,
        roundType: part.type,
        severity: raise.severity ?? (item?.veto ? 'critical' : 'major'),
        responsibleDepartmentId: raise.responsibleDepartmentId ?? round.departmentId,
        title: raise.title ?? (item ? item.title.slice(0, 200) : dto.itemCode),
        description: raise.description ?? dto.note ?? `${dto.itemCode}: ${item?.standard ?? ''}`.trim(),
        location: raise.location ?? null,
        checklistItemCode: dto.itemCode,
        photos: await this.attachments.resolve(manager, auth, raise.attachmentIds ?? [], id, 'raiseFinding.attachmentIds'),
      },
      'raiseFinding.',
    );
  }
}
