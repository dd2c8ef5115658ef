import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { FINDING_SOURCES, FINDING_PROGRESS_STATES, ROUND_TYPES, SEVERITIES, type FindingProgress, type FindingSource, type RoundType, type Severity } from '../../workflows';
import { IsCalendarYear } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class MarkTypicalCaseDto {
  /** Why the finding is typical: what it teaches the hospital. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class ListTypicalCasesQuery extends PageQuery {
  /** Cases among the findings logged in this calendar year (hospital time zone). */
  @IsCalendarYear()
  year: string;
}

/** A typical case as the reader may see it: only findings the reader may see are listed. */
export class TypicalCaseDto {
  findingId: string;
  title: string;
  departmentId: string;
  departmentName: string;
  @ApiProperty({ enum: ROUND_TYPES })
  roundType: RoundType;
  @ApiProperty({ enum: FINDING_SOURCES })
  source: FindingSource;
  @ApiProperty({ enum: SEVERITIES })
  severity: Severity;
  @ApiProperty({ enum: FINDING_PROGRESS_STATES })
  state: FindingProgress;
  /** When the finding was logged. */
  foundAt: Date;
  reason: string;
  markedAt: Date;
}
