import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROUND_STATES, ROUND_TYPES, type RoundState, type RoundType } from '../../workflows';
import { IsCalendarDate } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';
import { RoundEntity } from './round.entity';

export class CreateRoundDto {
  /** One round type; joint rounds (several types) come with checklists. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1, { message: 'types must hold exactly one round type (joint rounds are not available yet)' })
  @IsIn(ROUND_TYPES, { each: true })
  types: RoundType[];

  /** The department visited. */
  @IsUUID()
  departmentId: string;

  @IsCalendarDate()
  scheduledFor: string;

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
}

export class RoundDto {
  id: string;
  types: RoundType[];
  departmentId: string;
  leadId: string;
  teamMemberIds: string[];
  scheduledFor: string;
  @ApiProperty({ enum: ROUND_STATES })
  state: RoundState;
  version: number;
  /** Events the caller may send now. */
  availableEvents: string[];
  findingsLogged: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;

  static from(entity: RoundEntity, availableEvents: string[]): RoundDto {
    const { id, types, departmentId, leadId, teamMemberIds, scheduledFor, state, version, createdBy, createdAt, updatedAt } = entity;
    const findingsLogged = (entity.snapshot.context as { findingsLogged: number }).findingsLogged;
    return {
      id,
      types,
      departmentId,
      leadId,
      teamMemberIds,
      scheduledFor,
      state: state as RoundState,
      version,
      availableEvents,
      findingsLogged,
      createdBy,
      createdAt,
      updatedAt,
    };
  }
}

abstract class RoundEventDto<T extends string> {
  type: T;
}

export class StartRoundDto extends RoundEventDto<'START'> {
  @IsIn(['START'])
  override type: 'START';
}

export class SubmitRoundDto extends RoundEventDto<'SUBMIT'> {
  @IsIn(['SUBMIT'])
  override type: 'SUBMIT';
}

export class CancelRoundDto extends RoundEventDto<'CANCEL'> {
  @IsIn(['CANCEL'])
  override type: 'CANCEL';

  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

/** Events a person may send to a round; COMPLETE and FINDING_REOPENED are the service's own. */
export const ROUND_EVENT_DTOS = { START: StartRoundDto, SUBMIT: SubmitRoundDto, CANCEL: CancelRoundDto };
export type RoundEventBody = StartRoundDto | SubmitRoundDto | CancelRoundDto;
