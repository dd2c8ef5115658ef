import type { FindingProgress, RoundType, Timeliness } from '../../workflows';

export class DashboardCountDto {
  open: number;
  overdue: number;
}

export class DashboardWeekDto {
  /** The Monday the week starts on (hospital time). */
  week: string;
  opened: number;
  closed: number;
}

export class OverdueFindingDto {
  id: string;
  title: string;
  roundType: RoundType;
  responsibleDepartmentId: string;
  state: FindingProgress;
  deadline: Date;
}

/** Figures to poll, over the findings the caller may see. */
export class DashboardDto {
  generatedAt: Date;
  /** Open findings by state, then by timeliness. */
  openByState: Partial<Record<FindingProgress, Partial<Record<Timeliness, number>>>>;
  byDepartment: Record<string, DashboardCountDto>;
  byRoundType: Partial<Record<RoundType, DashboardCountDto>>;
  /** The last 12 weeks, oldest first, the current week last. */
  weeks: DashboardWeekDto[];
  /** The ten findings longest past their deadline. */
  oldestOverdue: OverdueFindingDto[];
}
