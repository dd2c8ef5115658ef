import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarMonth } from '../common/calendar-date';
import { FindingDto } from '../findings/finding.dto';

export class DrawSampleDto {
  /** A month that has ended, in the hospital's time zone. */
  @IsCalendarMonth()
  month: string;
}

export class ClosureSampleDto {
  month: string;
  /** Closed findings of the month that no closure audit had seen. */
  candidates: number;
  /** CLOSURE_AUDIT_SAMPLE when the month was drawn. */
  size: number;
  findingIds: string[];
  method: string;
  drawnAt: Date;
}

export class ClosureAuditItemDto {
  /** `required`: integrity and critical findings, which the machine sends to the closure audit; `sampled`: drawn from a month's closed findings. */
  @ApiProperty({ enum: ['required', 'sampled'] })
  reason: 'required' | 'sampled';
  /** For a sampled finding, the month it was drawn for. */
  month: string | null;
  finding: FindingDto;
}
