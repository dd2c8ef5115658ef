import { ApiProperty, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DEPARTMENT_KINDS, DepartmentKind, FINDING_SOURCES, FindingSource, GRADES, Grade, ROUND_TYPES, RoundType } from '../../workflows';
import { LabelDto } from '../workflow-catalog/workflow.dto';
import { IsCalendarMonth, IsCalendarYear } from '../common/calendar-date';
import type { AssessmentWeights, BranchAssessment, DepartmentAssessment, DepartmentGrade, DepartmentRank, GradeThresholds, SourceCounts, Standing, Veto, VetoCause } from './assessment';

export class MonthQuery {
  /** A calendar month in the hospital's time zone. */
  @IsCalendarMonth()
  month: string;

  /** Count only the findings from this source; rounds count only for `round`. */
  @IsOptional()
  @IsIn(FINDING_SOURCES)
  source?: FindingSource;
}

export class YearQuery {
  /** A calendar year, `YYYY`, in the hospital's time zone. */
  @IsCalendarYear()
  year: string;

  /** Count only the findings from this source; rounds count only for `round`. */
  @IsOptional()
  @IsIn(FINDING_SOURCES)
  source?: FindingSource;
}

/** Which departments a report shows (every department is assessed and ranked whatever it shows). */
export class DepartmentFilters {
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** Only the departments of this Party branch (一张清单). */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;
}

export class MonthAssessmentQuery extends IntersectionType(MonthQuery, DepartmentFilters) {}

export class YearAssessmentQuery extends IntersectionType(YearQuery, DepartmentFilters) {}

/** GET /assessments: exactly one of `month` (a month's figures) and `year` (the year's, made of its months). */
export class AssessmentQuery extends IntersectionType(PartialType(MonthQuery), PartialType(YearQuery), DepartmentFilters) {}

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
  /** Within the department's Party branch, ranked as within the kind; null when the department has no branch, was not inspected, and for department staff. */
  @ApiProperty({ type: Number, nullable: true })
  branchRank: number | null;
  /** How many departments of the branch share the rank. */
  @ApiProperty({ type: Number, nullable: true })
  branchRankTies: number | null;
  /** How many departments of the branch are ranked; null without a branch, and for department staff. */
  @ApiProperty({ type: Number, nullable: true })
  branchRankOf: number | null;
  /** The department's Party branch (一张清单), if it has one. */
  @ApiProperty({ type: String, nullable: true })
  partyBranchId: string | null;
  @ApiProperty({ type: String, nullable: true })
  partyBranchName: string | null;
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

/** A failed bottom-line item of the year, as the reader may see it. */
export class VetoDto implements Veto {
  departmentId: string;
  departmentName: string;
  @ApiProperty({ type: String, nullable: true })
  partyBranchName: string | null;
  /** The round's date. */
  day: string;
  @ApiProperty({ enum: ROUND_TYPES })
  roundType: RoundType;
  /** Null, with the item, outside integrity for an integrity part. */
  @ApiProperty({ type: String, nullable: true })
  roundId: string | null;
  @ApiProperty({ type: String, nullable: true })
  itemCode: string | null;
}

/** A Party branch's year: its departments' years together, and its place among the branches. */
export class BranchAssessmentDto implements BranchAssessment, Standing {
  partyBranchId: string;
  partyBranchCode: string;
  partyBranchName: string;
  departments: number;
  inspected: number;
  roundsHeld: number;
  @ApiProperty({ type: Number, nullable: true })
  averageAssessment: number | null;
  found: number;
  closedOnTime: number;
  closedLate: number;
  /** Summed over the months, as the departments' are. */
  overdueAtMonthEnd: number;
  relapses: number;
  vetoes: number;
  vetoedDepartments: number;
  /** 不合格 when any of its departments was vetoed in the year; 未检查 when none was inspected; otherwise its average assessment by the thresholds. */
  @ApiProperty({ enum: GRADES })
  grade: Grade;
  gradeLabel: LabelDto;
  /** Among the branches, ranked as departments are (vetoed last, ties sharing a rank). */
  @ApiProperty({ type: Number, nullable: true })
  rank: number | null;
  @ApiProperty({ type: Number, nullable: true })
  rankTies: number | null;
  @ApiProperty({ type: Number, nullable: true })
  rankOf: number | null;
}

export class AnnualAssessmentReportDto {
  year: string;
  timeZone: string;
  @ApiProperty({ enum: FINDING_SOURCES, nullable: true })
  source: FindingSource | null;
  /** The year's first instant and the next year's, in UTC. */
  from: Date;
  to: Date;
  /** The months counted: those begun by now. */
  months: string[];
  weights: AssessmentWeights;
  gradeThresholds: GradeThresholdsDto;
  /**
   * Each department's year: counts summed over its months (overdueAtMonthEnd counts a finding once
   * per month end it stood overdue), average score and assessment weighted by rounds held, any
   * veto in the year 不合格 and ineligible.
   */
  items: DepartmentAssessmentDto[];
  /** Each Party branch's year; empty for department staff, who see one department's figures. */
  branches: BranchAssessmentDto[];
  /** The year's vetoes of the departments shown, earliest first. */
  vetoes: VetoDto[];
}

export class AnnualTrackingDto extends AnnualAssessmentReportDto {
  /** The year from each round type's rounds and findings alone. */
  byRoundType: Record<'administrative' | 'party_building' | 'integrity', DepartmentAssessmentDto[]>;
}
