import { IsOptional, IsUUID, Matches } from 'class-validator';
import type { AssessmentWeights, DepartmentAssessment } from './assessment';

export class AssessmentQuery {
  /** A calendar month in the hospital's time zone. */
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month as YYYY-MM' })
  month: string;

  @IsOptional()
  @IsUUID()
  departmentId?: string;
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
  averageDaysToClose: number | null;
  /** 0–100; the formula and its weights are in the README. */
  assessment: number;
}

export class AssessmentReportDto {
  month: string;
  timeZone: string;
  /** The month's first instant and the next month's, in UTC. */
  from: Date;
  to: Date;
  weights: AssessmentWeights;
  items: DepartmentAssessmentDto[];
}
