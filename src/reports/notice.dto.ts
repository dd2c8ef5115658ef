import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { BranchAssessmentDto, DepartmentAssessmentDto, MonthQuery, VetoDto } from '../assessments/assessment.dto';
import { IsCalendarMonth, IsCalendarYear } from '../common/calendar-date';
import { TypicalCaseDto } from '../typical-cases/typical-case.dto';
import { FINDING_SOURCES, type FindingProgress, type FindingSource, type RoundType, type Severity } from '../../workflows';

/** The notice lists this many of the month's closures and of the longest overdue, and counts the rest (the ledger has them all). */
export const LISTED = 50;

/** What a month's notice covers: the month, and optionally one source and one Party branch. */
export class NoticeFilters extends MonthQuery {
  /**
   * One list per Party branch (一张清单): only the branch's departments, their rounds and the findings
   * they are responsible for. Answered from live data even for a published month; an unknown branch is a 404.
   */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;
}

/** GET /reports/notice: a month's notice (`month`) or the year's (`year`), exactly one of the two. */
export class NoticeQuery extends PartialType(NoticeFilters) {
  /** The year's notice (年度通报), made of its months: `source` and `partyBranchId` are for a month's notice only. */
  @IsOptional()
  @IsCalendarYear()
  year?: string;

  /** `zh` (the default) or `en`. */
  @IsOptional()
  @IsIn(['zh', 'en'])
  lang?: 'zh' | 'en';

  /** `html` (the default): a page to print; `json`: the same figures as data. */
  @IsOptional()
  @IsIn(['html', 'json'])
  format?: 'html' | 'json';
}

/** A month's notice: its month given. */
export type MonthNoticeQuery = NoticeQuery & NoticeFilters;

/** The year's notice: its year given. */
export type YearNoticeQuery = Omit<NoticeQuery, 'month' | 'source' | 'partyBranchId'> & { year: string };

export class NoticeRoundDto {
  id: string;
  scheduledFor: string;
  department: string;
  types: RoundType[];
  lead: string;
  state: string;
  score: number | null;
  vetoed: boolean;
}

export class NoticeFindingDto {
  id: string;
  title: string;
  @ApiProperty({ enum: FINDING_SOURCES })
  source: FindingSource;
  roundType: RoundType;
  department: string;
  severity: Severity;
  state: FindingProgress;
  createdAt: Date;
  deadline: Date | null;
  /** The end of the date its plan committed to, while that stands: it is due by then. */
  committedDue: Date | null;
  closedAt: Date | null;
}

export class ClosedFindingDto extends NoticeFindingDto {
  daysToClose: number;
  /** Closed by its due time: the committed date's end, else the deadline. */
  onTime: boolean;
}

export class OverdueFindingDto extends NoticeFindingDto {
  /** Calendar days past the due time (the committed date's end, else the deadline) at `asOf`. */
  daysOverdue: number;
}

export class RepeatFindingDto extends NoticeFindingDto {
  checklistItemCode: string;
  /** Earlier findings of the same department on the same checklist item in the year before. */
  earlier: number;
}

export class ReopenedFindingDto extends NoticeFindingDto {
  /** Times reopened in the month. */
  reopenings: number;
}

export class RelapsedFindingDto extends NoticeFindingDto {
  /** Follow-up checks (回头看) it failed in the month. */
  relapses: number;
}

/** The month's findings of one group: found, closed (on time), overdue and relapsed. */
export class FindingCountsDto {
  found: number;
  closed: number;
  onTime: number;
  /** Overdue at `asOf`. */
  overdue: number;
  relapses: number;
}

/** The month's findings from one source. */
export class SourceCountsDto extends FindingCountsDto {
  @ApiProperty({ enum: FINDING_SOURCES })
  source: FindingSource;
}

/** The month's findings of the departments of one Party branch (党支部), by their responsible department. */
export class BranchCountsDto extends FindingCountsDto {
  /** Null for the departments in no branch (未分支部). */
  partyBranchId: string | null;
  partyBranchName: string | null;
}

/** Open findings by supervision light (督办红黄绿灯). */
export class LightCountsDto {
  red: number;
  yellow: number;
  green: number;
}

export class DepartmentLightsDto extends LightCountsDto {
  department: string;
}

export class DepartmentCountsDto {
  department: string;
  byType: Record<'administrative' | 'party_building' | 'integrity', number>;
  total: number;
}

export class DepartmentClosedDto {
  department: string;
  closed: number;
  onTime: number;
  late: number;
  averageDaysToClose: number;
}

export class DepartmentOverdueDto {
  department: string;
  overdue: number;
  longestDays: number;
}

/**
 * The separation of duties set aside for one finding (ALLOW_SELF_AUDIT): the one who accepted its
 * verification was allowed to approve its closure audit. The finding appears by reference only,
 * never by title, so an integrity case stays behind its door; the reason is published as written.
 */
export class SelfAuditAllowanceLineDto {
  /** The finding's reference: its id; null where the caller may not see the finding (an integrity matter). */
  findingId: string | null;
  at: Date;
  /** The discipline-office user who allowed it. */
  allowedBy: string;
  /** The one who accepted the verification and may approve the closure. */
  acceptedBy: string;
  /** Null where the caller may not see the finding. */
  reason: string | null;
}

/** Integrity work as the notice shows it to those not entitled to its details: counts across the hospital. */
export class IntegrityCountsDto {
  roundsHeld: number;
  found: number;
  closed: number;
  overdue: number;
}

export class NoticeDto {
  month: string;
  timeZone: string;
  /** The month's first instant and the next month's. */
  from: Date;
  to: Date;
  generatedAt: Date;
  /** When the month was published, its figures frozen as they were then; null for figures computed live. */
  @ApiProperty({ type: Date, nullable: true })
  publishedAt: Date | null;
  /** When overdue is judged: the month's end, or now while the month lasts. */
  asOf: Date;
  /** The caller's department, when they see only that department's work. */
  limitedToDepartment: string | null;
  /** The only source counted, when one was asked for. */
  @ApiProperty({ enum: FINDING_SOURCES, nullable: true })
  source: FindingSource | null;
  /** The only Party branch covered, when one was asked for: its departments' rounds and findings. */
  partyBranchId: string | null;
  partyBranchName: string | null;
  rounds: NoticeRoundDto[];
  found: number;
  foundByDepartment: DepartmentCountsDto[];
  closed: number;
  closedOnTime: number;
  closedByDepartment: DepartmentClosedDto[];
  /** The month's last closures, at most LISTED of them. */
  lastClosed: ClosedFindingDto[];
  overdue: number;
  overdueByDepartment: DepartmentOverdueDto[];
  /** The longest overdue, at most LISTED of them. */
  longestOverdue: OverdueFindingDto[];
  /** The month's findings by source: the sources with anything to count, in the sources' order. */
  bySource: SourceCountsDto[];
  /** The same by Party branch of the responsible department (一张清单): the branches with anything to count, by name, then the departments in no branch. */
  byBranch: BranchCountsDto[];
  /** Findings open now (at `generatedAt`), by supervision light: lights are a present state, not a month's. */
  lights: LightCountsDto;
  /** The same by department, the most red first. */
  lightsByDepartment: DepartmentLightsDto[];
  repeats: RepeatFindingDto[];
  reopened: ReopenedFindingDto[];
  /** Failed follow-up checks (反弹) in the month. */
  relapses: number;
  relapsed: RelapsedFindingDto[];
  /** Findings open at the end of each of the last six months (the current one: now). */
  openTrend: { month: string; open: number }[];
  /** Present when integrity details are withheld from the caller. */
  integrityCounts: IntegrityCountsDto | null;
  /** The month's exceptions to the separation of duties at the closure audit, oldest first. */
  selfAuditAllowances: SelfAuditAllowanceLineDto[];
}

export class PublishMonthDto {
  /** A calendar month in the hospital's time zone that has ended. */
  @IsCalendarMonth()
  month: string;
}

/** A month published: its notice and assessments stored for each audience, answered from then on. */
export class PublishedMonthDto {
  month: string;
  publishedAt: Date;
  /** The user who published it. */
  publishedBy: string;
  /** Views stored: the integrity-entitled, the hospital-wide and one per department. */
  views: number;
}

/** What a notice of the year counts, for the year and for each of its months. */
export class NoticeTotalsDto {
  roundsHeld: number;
  found: number;
  closed: number;
  closedOnTime: number;
  /** Overdue at the month's end (or now, for the running month); for the year, at its last month's end. */
  overdue: number;
  relapses: number;
}

/** One month of the year's notice, as its notice reads (as published, once it is). */
export class AnnualNoticeMonthDto extends NoticeTotalsDto {
  month: string;
  /** When the month was published; null when its figures are live. */
  publishedAt: Date | null;
}

/** The year's notice (年度通报): its months, the rankings, the vetoes, the relapses and the typical cases. */
export class AnnualNoticeDto extends NoticeTotalsDto {
  year: string;
  timeZone: string;
  from: Date;
  to: Date;
  generatedAt: Date;
  /** The caller's department, when they see only that department's work. */
  limitedToDepartment: string | null;
  /** The months begun by now, each as its own notice counts it. */
  months: AnnualNoticeMonthDto[];
  /** Every department's year with its grade and ranks (GET /assessments?year=), by kind and rank. */
  rankings: DepartmentAssessmentDto[];
  branches: BranchAssessmentDto[];
  vetoes: VetoDto[];
  /** The findings that relapsed in the year, each with how often. */
  relapsed: RelapsedFindingDto[];
  /** The discipline office's typical cases (典型案例) among the year's findings the caller may see. */
  typicalCases: TypicalCaseDto[];
  /** Present when integrity details are withheld from the caller: the months' counts added up (overdue: at the last month's end). */
  integrityCounts: IntegrityCountsDto | null;
}
