import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DEPARTMENT_KINDS, DepartmentKind, FINDING_SOURCES, FindingSource, GRADES, Grade, ROUND_TYPES, RoundType } from '../../workflows';
import { LabelDto } from '../workflow-catalog/workflow.dto';
import { IsCalendarMonth } from '../common/calendar-date';
import type { AssessmentWeights, DepartmentAssessment, DepartmentGrade, DepartmentRank, GradeThresholds, SourceCounts, VetoCause } from './assessment';

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

/** The round and bottom-line item that vetoed; both null when the reader may not see the part (廉政, outside integrity). */
export class VetoCauseDto implements VetoCause {
  @ApiProperty({ enum: ROUND_TYPES })
  roundType: RoundType;
  @ApiProperty({ type: String, nullable: true })
  roundId: string | null;
  @ApiProperty({ type: String, nullable: true })
  itemCode: string | null;
}

export class DepartmentAssessmentDto implements DepartmentAssessment, DepartmentGrade, DepartmentRank {
  departmentId: string;
  departmentCode: string;
  departmentName: string;
  @ApiProperty({ enum: DEPARTMENT_KINDS })
  departmentKind: DepartmentKind;
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
  /** 0–100, null when no round was held in the month (未检查); the formula and its weights are in docs/checklists-and-scoring.md. */
  @ApiProperty({ type: Number, nullable: true })
  assessment: number | null;
  /** 优秀/良好/合格/不合格 by the thresholds, 不合格 whatever the score after a veto in the month, or 未检查. */
  @ApiProperty({ enum: GRADES })
  grade: Grade;
  /** The veto that decided the grade, null when the score did. */
  @ApiProperty({ type: VetoCauseDto, nullable: true })
  gradeCause: VetoCauseDto | null;
  /** What the grade reads as, e.g. 不合格 (廉政一票否决). */
  gradeLabel: LabelDto;
  /** Eligible for 评优评先: no vetoed round from the year's first day to the month's last. */
  eligible: boolean;
  /** The year's first veto, when not eligible. */
  @ApiProperty({ type: VetoCauseDto, nullable: true })
  eligibilityCause: VetoCauseDto | null;
  /** Within the department's kind; ties share a rank (1, 2, 2, 4); null when not inspected, and for department staff (who see one department's figures). */
  @ApiProperty({ type: Number, nullable: true })
  rank: number | null;
  /** How many departments share the rank. */
  @ApiProperty({ type: Number, nullable: true })
  rankTies: number | null;
  /** How many departments of the kind are ranked; null for department staff. */
  @ApiProperty({ type: Number, nullable: true })
  rankOf: number | null;
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

/** The lowest assessment of each grade above 不合格 (ASSESSMENT_GRADE_THRESHOLDS). */
export class GradeThresholdsDto implements GradeThresholds {
  excellent: number;
  good: number;
  pass: number;
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
  gradeThresholds: GradeThresholdsDto;
  items: DepartmentAssessmentDto[];
  /** When the month was published, its figures frozen as they were then; null for figures computed live. */
  @ApiProperty({ type: Date, nullable: true })
  publishedAt: Date | null;
}

export class MonthlyTrackingDto extends AssessmentReportDto {
  /** The same figures from each round type's rounds and findings alone (a round of several types counts under each). */
  byRoundType: Record<'administrative' | 'party_building' | 'integrity', DepartmentAssessmentDto[]>;
  /** The departments' findings together, once per source (every source listed). */
  bySource: SourceCountsDto[];
}
