import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  ITEM_RESULTS,
  PART_STATES,
  ROUND_STATES,
  ROUND_TYPES,
  SEVERITIES,
  combinedScore,
  partScore,
  roundStatus,
  type ItemResult,
  type Exactly,
  type LoggedFinding,
  type PayloadOf,
  type PartState,
  type RoundContext,
  type RoundPart,
  type Score,
  type RoundState,
  type RoundType,
  type Severity,
} from '../../workflows';
import { AttachmentIds } from '../attachments/attachment.dto';
import { IsCalendarDate } from '../common/calendar-date';
import { EventType } from '../common/event-body.pipe';
import { PageQuery } from '../common/pagination';
import { ChecklistItemDto, IsPoints } from '../checklists/checklist.dto';
import { RoundEntity } from './round.entity';

/** One part of a joint round: its type, lead and team. */
/** Who does a round, or one part of a joint round. */
export class TeamPlanDto {
  /** A user with the round_lead role. */
  @IsUUID()
  leadId: string;

  /** Inspectors on the team. */
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  teamMemberIds: string[];
}

/** One part of a joint round: its type, and the lead (who submits it) and team. */
export class RoundPartPlanDto extends TeamPlanDto {
  @IsIn(ROUND_TYPES)
  type: RoundType;
}

export class CreateRoundDto extends TeamPlanDto {
  /** One round type, or several for a joint round (联动查房). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROUND_TYPES.length)
  @ArrayUnique()
  @IsIn(ROUND_TYPES, { each: true })
  types: RoundType[];

  /** The department visited. */
  @IsUUID()
  departmentId: string;

  @IsCalendarDate()
  scheduledFor: string;

  /**
   * An unannounced visit (明察暗访): until it starts, the visited department cannot see it anywhere.
   * Integrity rounds (and joint rounds with an integrity part) are unannounced unless this says otherwise.
   */
  @IsOptional()
  @IsBoolean()
  unannounced?: boolean;

  /**
   * A secretary round (书记查房): a round with a Party-building part whose lead (the part's, or the
   * round's) is the secretary of the visited department's Party branch.
   */
  @IsOptional()
  @IsBoolean()
  secretaryRound?: boolean;

  /** A joint round's parts, one per type, each with its own lead and team; left out, every part takes the round's lead and team. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROUND_TYPES.length)
  @ValidateNested({ each: true })
  @Type(() => RoundPartPlanDto)
  parts?: RoundPartPlanDto[];
}

export class ListRoundsQuery extends PageQuery {
  @IsOptional()
  @IsIn(ROUND_STATES)
  state?: RoundState;

  @IsOptional()
  @IsIn(ROUND_TYPES)
  type?: RoundType;

  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** Rounds scheduled on or after this date (a month's calendar asks for its first day). */
  @IsOptional()
  @IsCalendarDate()
  scheduledFrom?: string;

  /** Rounds scheduled on or before this date. */
  @IsOptional()
  @IsCalendarDate()
  scheduledTo?: string;
}

export class RoundPartDto {
  type: RoundType;
  leadId: string;
  teamMemberIds: string[];
  @ApiProperty({ enum: PART_STATES })
  state: PartState;
  /** The checklist version the part started with; null for rounds planned before checklists. */
  checklistId: string | null;
  checklistVersion: number;
  itemCount: number;
  /** Null where the part's results are withheld from the caller. */
  itemsAnswered: number | null;
  /** 100 minus deductions, floored at 0; null without a checklist, or where withheld. */
  score: number | null;
  /** Null where withheld. */
  vetoed: boolean | null;
  /** The part's results are confidential to the caller (an integrity part seen from outside it). */
  withheld: boolean;

  static from(entity: RoundEntity, part: RoundPart, withheld: boolean): RoundPartDto {
    const status = roundStatus(entity.snapshot.value);
    const state: PartState = status.state === 'in_progress' ? (status.parts[part.type] ?? 'inspecting') : status.state;
    const { score, vetoed } = partScore(part);
    return {
      type: part.type,
      leadId: part.leadId,
      teamMemberIds: part.teamMemberIds,
      state,
      checklistId: part.checklist.templateId,
      checklistVersion: part.checklist.version,
      itemCount: part.checklist.items.length,
      itemsAnswered: withheld ? null : part.checklist.items.filter((item) => part.results[item.code] !== undefined).length,
      score: withheld ? null : score,
      vetoed: withheld ? null : vetoed,
      withheld,
    };
  }
}

export class RoundDto {
  id: string;
  types: RoundType[];
  departmentId: string;
  leadId: string;
  teamMemberIds: string[];
  scheduledFor: string;
  unannounced: boolean;
  /** A secretary round (书记查房). */
  secretaryRound: boolean;
  @ApiProperty({ enum: ROUND_STATES })
  state: RoundState;
  version: number;
  /** Events the caller may send now. */
  availableEvents: string[];
  /** Null where some part is withheld from the caller: the count would tell of its findings. */
  findingsLogged: number | null;
  /** The mean of the scores of the parts the caller may see (one part: its score); null without a checklist. */
  score: number | null;
  /** A bottom-line item failed in some part the caller may see (一票否决). */
  vetoed: boolean;
  /** Checklist version per round type. */
  checklistVersions: Partial<Record<RoundType, number>>;
  parts: RoundPartDto[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;

  /** `maySeeResults` says which parts' results the caller may see (see `maySeePartResults`). */
  static from(entity: RoundEntity, availableEvents: string[], maySeeResults: (type: RoundType) => boolean): RoundDto {
    const { id, types, departmentId, leadId, teamMemberIds, scheduledFor, unannounced, secretaryRound, state, version, createdBy, createdAt, updatedAt } = entity;
    const context = entity.snapshot.context as RoundContext;
    const { score, vetoed, withheld } = shownScore(entity, maySeeResults);
    return {
      id,
      types,
      departmentId,
      leadId,
      teamMemberIds,
      scheduledFor,
      unannounced,
      secretaryRound,
      state: state as RoundState,
      version,
      availableEvents,
      findingsLogged: withheld ? null : context.findingsLogged,
      score,
      vetoed,
      checklistVersions: Object.fromEntries(context.parts.map((part) => [part.type, part.checklist.version])),
      parts: context.parts.map((part) => RoundPartDto.from(entity, part, !maySeeResults(part.type))),
      createdBy,
      createdAt,
      updatedAt,
    };
  }
}

/** The round's score and veto over the parts whose results the caller may see; `withheld` when some part is left out. */
export function shownScore(round: RoundEntity, maySeeResults: (type: RoundType) => boolean): Score & { withheld: boolean } {
  const { parts } = round.snapshot.context as RoundContext;
  const shown = parts.filter((part) => maySeeResults(part.type));
  if (shown.length === parts.length) return { score: round.score, vetoed: round.vetoed, withheld: false };
  return { ...combinedScore(shown.map(partScore)), withheld: true };
}

/** A finding raised from a failed item, pre-filled from it: every field may be left out. */
export class RaiseFindingDto implements Partial<Pick<LoggedFinding, 'id' | 'title' | 'description' | 'severity' | 'location'>> {
  /** A client-made UUID, as for logging a finding. */
  @IsOptional()
  @IsUUID()
  id?: string;

  /** Defaults to the item's title. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  /** Defaults to the note, or the item's standard. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  description?: string;

  /** Defaults to critical for a bottom-line item, major otherwise. */
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  /** Defaults to the visited department. */
  @IsOptional()
  @IsUUID()
  responsibleDepartmentId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  location?: string;

  /** Photos of it, uploaded first (POST /attachments) by the same user. */
  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

/** A RECORD_RESULT event's payload: its item code comes from the path, its finding from `raiseFinding`. */
export class RecordResultDto implements Pick<PayloadOf<'RECORD_RESULT'>, 'result' | 'deduction' | 'note'>, Partial<Pick<PayloadOf<'RECORD_RESULT'>, 'roundType'>> {
  /** The part the item belongs to; may be left out when the item code is in one part only. */
  @IsOptional()
  @IsIn(ROUND_TYPES)
  roundType?: RoundType;

  @IsIn(ITEM_RESULTS)
  result: ItemResult;

  /** Points deducted for a failed item, up to the item's maximum (its maximum when left out); 0 otherwise. */
  @IsOptional()
  @IsPoints()
  deduction?: number;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  /** Raise a finding for this failed item in the same step. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RaiseFindingDto)
  raiseFinding?: RaiseFindingDto;
}

/** A checklist item as published, with the part's result for it (nulls while unanswered). */
export class ItemResultDto extends ChecklistItemDto {
  @ApiProperty({ enum: ITEM_RESULTS, nullable: true })
  result: ItemResult | null;
  deduction: number | null;
  note: string | null;
  findingId: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
}

export class PartResultsDto {
  @ApiProperty({ enum: ROUND_TYPES })
  type: RoundType;
  @ApiProperty({ enum: PART_STATES })
  state: PartState;
  checklistId: string | null;
  checklistVersion: number;
  checklistTitle: string | null;
  score: number | null;
  vetoed: boolean;
  /** Codes of the items still without a result: the part cannot be submitted until this is empty. */
  missingItems: string[];
  items: ItemResultDto[];
}

export class RoundResultsDto {
  roundId: string;
  version: number;
  /** Of the parts shown, as for the round. */
  score: number | null;
  vetoed: boolean;
  /** Parts the caller may read: an integrity part only for those entitled to integrity work. */
  parts: PartResultsDto[];
}

abstract class RoundEventDto<T extends string> {
  type: T;
}

export class StartRoundDto extends RoundEventDto<'START'> implements Exactly<PayloadOf<'START'>, StartRoundDto> {
  @EventType('START')
  override type: 'START';
}

export class SubmitRoundDto extends RoundEventDto<'SUBMIT'> implements Exactly<PayloadOf<'SUBMIT'>, SubmitRoundDto> {
  @EventType('SUBMIT')
  override type: 'SUBMIT';

  /** The part to submit; required for a joint round. */
  @IsOptional()
  @IsIn(ROUND_TYPES)
  roundType?: RoundType;
}

export class CancelRoundDto extends RoundEventDto<'CANCEL'> implements Exactly<PayloadOf<'CANCEL'>, CancelRoundDto> {
  @EventType('CANCEL')
  override type: 'CANCEL';

  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

/** Events a person may send to a round; COMPLETE and FINDING_REOPENED are the service's own. */
export const ROUND_EVENT_DTOS = { START: StartRoundDto, SUBMIT: SubmitRoundDto, CANCEL: CancelRoundDto };
export type RoundEventBody = StartRoundDto | SubmitRoundDto | CancelRoundDto;
