import { IsIn, IsOptional, Matches } from 'class-validator';
import type { RoundType } from '../../workflows';
import { IsCalendarYear } from '../common/calendar-date';

export class CoverageQuery {
  /** A calendar year, `YYYY`. */
  @IsCalendarYear()
  year: string;

  /** A month of that year, `MM` (01–12); without it, the whole year. */
  @IsOptional()
  @Matches(/^(0[1-9]|1[0-2])$/, { message: '$property must be a month of the year as MM (01-12)' })
  month?: string;

  /** `json` (the default) or an `xlsx` workbook: the coverage sheet and the departments not visited. */
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';
}

/** Rounds scheduled in the period: all of them, those held (submitted or completed) and those cancelled. */
export class CoverageCountsDto {
  /** Every round scheduled in the period, whatever became of it. */
  planned: number;
  held: number;
  cancelled: number;
}

/** One department's coverage by one round type. */
export class CoverageRowDto extends CoverageCountsDto {
  departmentId: string;
  departmentCode: string;
  departmentName: string;
  roundType: RoundType;
  /** The latest held round's day, in the period or before it; null if never visited. */
  lastVisit: string | null;
}

export class CoverageDepartmentDto {
  departmentId: string;
  departmentCode: string;
  departmentName: string;
}

/** The departments with no held round of the type in the period. */
export class NotVisitedDto {
  roundType: RoundType;
  departments: CoverageDepartmentDto[];
}

export class CoverageDto {
  year: string;
  /** `MM`, or null for the whole year. */
  month: string | null;
  timeZone: string;
  /** The period's first and last days, and its bounds as instants, in the hospital's time zone. */
  firstDay: string;
  lastDay: string;
  from: Date;
  to: Date;
  generatedAt: Date;
  /** The round types shown by department: integrity only to those who see all integrity work. */
  roundTypes: RoundType[];
  /** Departments × round types, departments by code. */
  items: CoverageRowDto[];
  notVisited: NotVisitedDto[];
  /** Integrity rounds across the hospital, as counts only, for the hospital-wide readers not entitled to integrity work; else null. */
  integrityCounts: CoverageCountsDto | null;
}
