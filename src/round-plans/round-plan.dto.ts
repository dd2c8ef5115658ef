import { ApiProperty, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { DEPARTMENT_KINDS, ROUND_TYPES, type DepartmentKind, type RoundType } from '../../workflows';
import { IsCalendarDate } from '../common/calendar-date';
import { TeamPlanDto } from '../rounds/round.dto';
import { DEPARTMENT_ORDERS, DepartmentOrder, RoundPlanEntity } from './round-plan.entity';

export class CreateRoundPlanDto extends TeamPlanDto {
  @ApiProperty({ enum: ROUND_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROUND_TYPES.length)
  @ArrayUnique()
  @IsIn(ROUND_TYPES, { each: true })
  types: RoundType[];

  /** The departments visited; give these or `departmentKind`, not both. */
  @ValidateIf((dto: CreateRoundPlanDto) => dto.departmentKind === undefined || dto.departmentIds !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  departmentIds?: string[];

  /** Every department of this kind, as they are at each occurrence. */
  @ValidateIf((dto: CreateRoundPlanDto) => dto.departmentIds === undefined || dto.departmentKind !== undefined)
  @IsIn(DEPARTMENT_KINDS)
  departmentKind?: DepartmentKind;

  /** `all` (default): every department at each occurrence; `rotate`: one department per occurrence, in turn. */
  @IsOptional()
  @IsIn(DEPARTMENT_ORDERS)
  departmentOrder?: DepartmentOrder;

  /** An RFC 5545 RRULE without DTSTART, e.g. `FREQ=MONTHLY;BYDAY=1MO`; at least daily. */
  @IsString()
  @MaxLength(500)
  rule: string;

  @IsOptional()
  @IsBoolean()
  unannounced?: boolean;

  /** The first date the rule may fall on. */
  @IsCalendarDate()
  startsOn: string;

  /** The last date the rule may fall on. */
  @IsOptional()
  @IsCalendarDate()
  until?: string;
}

/** What an edit may change; it applies from the next occurrence on. */
export class UpdateRoundPlanDto extends PartialType(PickType(CreateRoundPlanDto, ['rule', 'leadId', 'teamMemberIds'] as const), { skipNullProperties: false }) {
  /** The last day an occurrence may fall on; null lets the plan run on with no end. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsCalendarDate()
  until?: string | null;
}

export class SkipOccurrenceDto {
  /** An occurrence date of the plan, not yet past. */
  @IsCalendarDate()
  on: string;
}

export class RoundPlanDto extends OmitType(CreateRoundPlanDto, ['departmentIds', 'departmentKind', 'departmentOrder', 'unannounced', 'until'] as const) {
  id: string;
  departmentIds: string[] | null;
  @ApiProperty({ enum: DEPARTMENT_KINDS, nullable: true })
  departmentKind: DepartmentKind | null;
  @ApiProperty({ enum: DEPARTMENT_ORDERS })
  departmentOrder: DepartmentOrder;
  unannounced: boolean;
  until: string | null;
  skippedOn: string[];
  /** Occurrence dates that passed while the service was not running, so never planned (see docs/programme.md). */
  missedOn: string[];
  createdBy: string;
  createdAt: string;

  static from(plan: RoundPlanEntity): RoundPlanDto {
    return {
      id: plan.id,
      types: plan.types,
      departmentIds: plan.departmentIds,
      departmentKind: plan.departmentKind,
      departmentOrder: plan.departmentOrder,
      rule: plan.rule,
      leadId: plan.leadId,
      teamMemberIds: plan.teamMemberIds,
      unannounced: plan.unannounced,
      startsOn: plan.startsOn,
      until: plan.until,
      skippedOn: plan.skippedOn,
      missedOn: plan.missedOn,
      createdBy: plan.createdBy,
      createdAt: plan.createdAt.toISOString(),
    };
  }
}
