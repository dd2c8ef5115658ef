import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { FINDING_SOURCES, FindingSource } from '../../workflows';
import { IsCalendarMonth } from '../common/calendar-date';
import type { AssessmentWeights, DepartmentAssessment, SourceCounts } from './assessment';

export class MonthQuery {
  /** A calendar month in the hospital's time zone. */
  @IsCalendarMonth()
  month: string;

  /** Count only the findings from this source; rounds count only for `round`. */
  @IsOptional()
  @IsIn(FINDING_SOURCES)
  source?: FindingSource;
}

export class AssessmentQuery extends MonthQuery {
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** Only the departments of this Party branch (一张清单). */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;
}

export class DepartmentAssessmentDto implements DepartmentAssessment {
  departmentId: string;
  departmentCode: string;
  departmentName: string;
  /** Rounds of the department scheduled in the month and submitted or completed. */
  roundsHeld: number;
  averageScore: number | null;
  /** Rounds held with a failed bottom-line item. */
  vetoes: number;
  /** Findings logged in the month for which the department is responsible (withdrawn ones aside). */
  found: number;
  foundByType: Record<'administrative' | 'party_building' | 'integrity', number>;
  foundBySeverity: Record<'minor' | 'major' | 'critical', number>;
  closedOnTime: number;
  closedLate: number;
  overdueAtMonthEnd: number;
  reopened: number;
  /** Follow-up checks (回头看) failed in the month on the department's findings: relapses (反弹). */
  relapses: number;
  averageDaysToClose: number | null;
  /** 0–100; the formula and its weights are in docs/checklists-and-scoring.md. */
  assessment: number;
}

export class SourceCountsDto implements SourceCounts {
  @ApiProperty({ enum: FINDING_SOURCES })
  source: FindingSource;
  found: number;
  closedOnTime: number;
  closedLate: number;
  overdueAtMonthEnd: number;
  relapses: number;
}

export class AssessmentReportDto {
  month: string;
  timeZone: string;
  /** The source the figures are limited to, if one was asked for. */
  @ApiProperty({ enum: FINDING_SOURCES, nullable: true })
  source: FindingSource | null;
  /** The month's first instant and the next month's, in UTC. */
  from: Date;
  to: Date;
  weights: AssessmentWeights;
  items: DepartmentAssessmentDto[];
}

export class MonthlyTrackingDto extends AssessmentReportDto {
  /** The same figures from each round type's rounds and findings alone (a round of several types counts under each). */
  byRoundType: Record<'administrative' | 'party_building' | 'integrity', DepartmentAssessmentDto[]>;
  /** The departments' findings together, once per source (every source listed). */
  bySource: SourceCountsDto[];
}
