import type { FindingProgress, RoundType, Timeliness } from '../../workflows';
import { LightCountsDto } from './notice.dto';

export class DashboardCountDto {
  open: number;
  overdue: number;
  /** The open ones by supervision light. */
  lights: LightCountsDto;
}

export class DashboardWeekDto {
  /** The Monday the week starts on (hospital time). */
  week: string;
  opened: number;
  closed: number;
}

/** Named apart from the notice's OverdueFindingDto: OpenAPI keeps one schema per class name. */
export class DashboardOverdueFindingDto {
  id: string;
  title: string;
  roundType: RoundType;
  responsibleDepartmentId: string;
  state: FindingProgress;
  deadline: Date;
  /** The end of the date its plan committed to, while that stands: it is overdue since then. */
  committedDue: Date | null;
}

/** Figures to poll, over the findings the caller may see. */
export class DashboardDto {
  generatedAt: Date;
  /** Open findings by state, then by timeliness. */
  openByState: Partial<Record<FindingProgress, Partial<Record<Timeliness, number>>>>;
  /** Open findings by supervision light (督办红黄绿灯). */
  openByLight: LightCountsDto;
  byDepartment: Record<string, DashboardCountDto>;
  byRoundType: Partial<Record<RoundType, DashboardCountDto>>;
  /** The last 12 weeks, oldest first, the current week last. */
  weeks: DashboardWeekDto[];
  /** The ten findings longest past their due time (the committed date's end, else the deadline). */
  oldestOverdue: DashboardOverdueFindingDto[];
}
