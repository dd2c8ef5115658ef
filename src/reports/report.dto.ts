import { ApiProperty, IntersectionType, OmitType } from '@nestjs/swagger';
import { JobDto } from '../jobs/job.dto';
import { IsIn, IsOptional } from 'class-validator';
import { MonthAssessmentQuery, YearAssessmentQuery } from '../assessments/assessment.dto';
import { IsCalendarDate } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';
import { FindingFilters } from '../findings/finding.dto';
import { SORT_ORDERS } from '../identity/identity.dto';
import { LEDGER_SORTS, LedgerSort, LedgerRow } from './ledger';

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

  /**
   * The column the ledger is sorted by (the logging time by default), ties broken by the finding's id.
   * Severity, state, light, round type and source sort in their own order (minor before critical,
   * green before red, reported before closed), not alphabetically; rows without a value come last.
   */
  @IsOptional()
  @IsIn(LEDGER_SORTS)
  sort?: LedgerSort;

  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: (typeof SORT_ORDERS)[number];
}

/** The ledger's filters and order alone: what an export is drawn with. */
export type LedgerFilters = Omit<LedgerQuery, 'limit' | 'offset' | 'format'>;

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

/** An export job: the ledger's filters, and the file's format. */
export class LedgerExportRequest extends OmitType(LedgerQuery, ['limit', 'offset', 'format'] as const) {
  /** `xlsx`, or `csv` (UTF-8 with a BOM, for Excel). */
  @IsIn(['xlsx', 'csv'])
  format: 'xlsx' | 'csv';
}

/** An export job's progress; its file at GET /reports/exports/{id}/file once done. */
export class LedgerExportDto extends JobDto {
  @ApiProperty({ enum: ['xlsx', 'csv'] })
  format: 'xlsx' | 'csv';
  /** The filters applied, as given. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  filters: Record<string, unknown>;
  /** Rows written so far. */
  rows: number;
  /** Rows the file will hold; null until counted. */
  total: number | null;
}
