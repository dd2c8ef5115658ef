import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsObject, IsUUID } from 'class-validator';
import type { Outcome } from '../engine/workflow.engine';
import { AcknowledgeDto, FindingDto, ReassignDto, SetDeadlineDto, WithdrawDto } from './finding.dto';

/** The most findings one request may act on: a long list is worked through in pages of this many. */
export const BULK_EVENTS_LIMIT = 500;

/**
 * The events an office sends to a long list at once: set or extend the deadline, reassign,
 * withdraw (the finding's lead), or sign for receipt (the department). Each is validated by the
 * DTO that POST /findings/{id}/events uses for it.
 */
export const BULK_FINDING_EVENT_DTOS = {
  SET_DEADLINE: SetDeadlineDto,
  REASSIGN: ReassignDto,
  ACKNOWLEDGE: AcknowledgeDto,
  WITHDRAW: WithdrawDto,
};

export type BulkFindingEventBody = InstanceType<(typeof BULK_FINDING_EVENT_DTOS)[keyof typeof BULK_FINDING_EVENT_DTOS]>;

export class BulkEventsDto {
  /** The findings, each once; answered in this order. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_EVENTS_LIMIT)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  findingIds: string[];

  /** One event, sent to each finding as POST /findings/{id}/events would send it. */
  @ApiProperty({ oneOf: Object.values(BULK_FINDING_EVENT_DTOS).map((dto) => ({ $ref: getSchemaPath(dto) })) })
  @IsObject()
  event: BulkFindingEventBody;
}

/** Why one finding was refused: what POST /findings/{id}/events would have answered. */
export class BulkEventRefusalDto {
  message: string;
  /** The fields at fault (400), the state and the events available (409), what stands in the way. */
  @ApiPropertyOptional({ oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: { type: 'object', additionalProperties: true } }] })
  details?: unknown;
}

export class BulkEventOutcomeDto {
  findingId: string;
  /** 200 applied; 400 the event does not fit it, 403 not yours to send, 404 no finding you may see, 409 not now. */
  @ApiProperty({ enum: [200, 400, 403, 404, 409] })
  status: number;
  /** The finding after the event, when applied. */
  finding?: FindingDto;
  /** Why not, when refused. */
  error?: BulkEventRefusalDto;
}

export class BulkEventCountsDto {
  requested: number;
  applied: number;
  refused: number;
}

export class BulkEventsAnswerDto {
  /** One per finding, in the order asked. */
  outcomes: BulkEventOutcomeDto[];
  counts: BulkEventCountsDto;

  static from(outcomes: Outcome<FindingDto>[]): BulkEventsAnswerDto {
    const applied = outcomes.filter((outcome) => 'answer' in outcome).length;
    return {
      outcomes: outcomes.map((outcome) =>
        'answer' in outcome
          ? { findingId: outcome.id, status: outcome.status, finding: outcome.answer }
          : { findingId: outcome.id, status: outcome.status, error: { message: outcome.refusal.message, details: outcome.refusal.details } },
      ),
      counts: { requested: outcomes.length, applied, refused: outcomes.length - applied },
    };
  }
}
