import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MonthAssessmentQuery, YearAssessmentQuery } from '../assessments/assessment.dto';
import { IsCalendarDate } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';
import { FindingFilters } from '../findings/finding.dto';
import type { LedgerRow } from './ledger';

export class LedgerQuery extends IntersectionType(PageQuery, FindingFilters) {
  /** Findings logged on or after this day (hospital time). */
  @IsOptional()
  @IsCalendarDate()
  createdFrom?: string;

  /** Findings logged on or before this day. */
  @IsOptional()
  @IsCalendarDate()
  createdTo?: string;

  /** Findings closed on or after this day. */
  @IsOptional()
  @IsCalendarDate()
  closedFrom?: string;

  /** Findings closed on or before this day. */
  @IsOptional()
  @IsCalendarDate()
  closedTo?: string;

  /** `json` (paged, the default), or a whole export: `xlsx` or `csv` (UTF-8 with a BOM, for Excel). */
  @IsOptional()
  @IsIn(['json', 'xlsx', 'csv'])
  format?: 'json' | 'xlsx' | 'csv';
}

export class LedgerPageDto {
  items: LedgerRow[];
  total: number;
  limit: number;
  offset: number;
  generatedAt: Date;
  /** The filters applied, as given. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  filter: Record<string, unknown>;
}

export class MonthlyQuery extends MonthAssessmentQuery {
  /** `json` (the default) or an `xlsx` workbook: a summary sheet and one per round type. */
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';
}

export class AnnualQuery extends YearAssessmentQuery {
  /** `json` (the default) or an `xlsx` workbook: a summary sheet, one per round type, one for the Party branches, one for the vetoes. */
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';
}
