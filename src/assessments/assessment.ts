import { DateTime } from 'luxon';
import type { FindingProgress, FindingSource, RoundType, Severity } from '../../workflows';
import { FINDING_SOURCES, ROUND_TYPES, SEVERITIES } from '../../workflows';
import { type ClosurePeriod, countsInMonth, dueOf } from '../findings/finding-figures';

/** How the figures combine into one assessment figure; see docs/checklists-and-scoring.md. */
export interface AssessmentWeights {
  /** Share of the average round score (0–100). */
  score: number;
  /** Share of the on-time rate (0–100). */
  timeliness: number;
  /** Points off per vetoed round, per finding overdue at month end, per reopening, per relapse. */
  vetoPenalty: number;
  overduePenalty: number;
  reopenPenalty: number;
  relapsePenalty: number;
}

/** A stretch of whole calendar days in the hospital's time zone, as instants and as calendar dates. */
export interface PeriodWindow {
  start: Date;
  end: Date;
  firstDay: string;
  lastDay: string;
  /** When the period's standing is judged (what is open, what overdue): its end, or now while it runs. */
  asOf: Date;
}

/** A calendar month in the hospital's time zone, as instants and as calendar dates. */
export interface MonthWindow extends PeriodWindow {
  month: string;
}

/** A calendar year in the hospital's time zone, as instants and as calendar dates. */
export interface YearWindow extends PeriodWindow {
  year: string;
}

/** From the start of `first` (a day) to the start of `next`. */
function periodWindow(first: DateTime, next: DateTime, now: Date): PeriodWindow {
  const end = next.toJSDate();
  return { start: first.toJSDate(), end, asOf: end < now ? end : now, firstDay: first.toISODate()!, lastDay: next.minus({ days: 1 }).toISODate()! };
}

export function monthWindow(month: string, timeZone: string, now: Date): MonthWindow {
  const first = DateTime.fromISO(`${month}-01`, { zone: timeZone }).startOf('day');
  return { month, ...periodWindow(first, first.plus({ months: 1 }), now) };
}

export function yearWindow(year: string, timeZone: string, now: Date): YearWindow {
  const first = DateTime.fromISO(`${year}-01-01`, { zone: timeZone }).startOf('day');
  return { year, ...periodWindow(first, first.plus({ years: 1 }), now) };
}

export interface HeldRound {
  departmentId: string;
  score: number | null;
  vetoed: boolean;
}

export interface FindingFacts {
  id: string;
  responsibleDepartmentId: string;
  roundType: RoundType;
  source: FindingSource;
  severity: Severity;
  state: FindingProgress;
  createdAt: Date;
  deadline: Date | null;
  committedDue: Date | null;
  /** Its closures (finding_closures), each with when it was reopened if it was: a month counts what was so in it. */
  closures: ClosurePeriod[];
}

/** The month's figures of the findings from one source (a round, complaints, …), as a department's are counted. */
export interface SourceCounts {
  source: FindingSource;
  found: number;
  closedOnTime: number;
  closedLate: number;
  overdueAtMonthEnd: number;
  relapses: number;
}

export interface DepartmentAssessment {
  departmentId: string;
  roundsHeld: number;
  averageScore: number | null;
  vetoes: number;
  found: number;
  foundByType: Record<RoundType, number>;
  foundBySeverity: Record<Severity, number>;
  closedOnTime: number;
  closedLate: number;
  overdueAtMonthEnd: number;
  reopened: number;
  relapses: number;
  averageDaysToClose: number | null;
  assessment: number;
}

const DAY_MS = 86_400_000;
const oneDecimal = (value: number) => Math.round(value * 10) / 10;
const mean = (values: number[]) => (values.length === 0 ? null : oneDecimal(values.reduce((sum, v) => sum + v, 0) / values.length));
const within = (instant: Date | null, window: MonthWindow) => instant !== null && instant >= window.start && instant < window.end;
const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** Closed at `instant`: closed before it and not reopened by then. */
const closedAt = (f: FindingFacts, instant: Date) => f.closures.some((c) => c.closedAt < instant && (c.reopenedAt === null || c.reopenedAt >= instant));

/**
 * The findings of `findings` logged, closed (on time or late) and overdue at the end of the month.
 * Closures come from each finding's history, the latest that counts in the month once: a finding
 * reopened or relapsed after the month stays closed in it.
 */
function monthOf(window: MonthWindow, findings: FindingFacts[]) {
  // A month still running is judged as it stands now: nothing is overdue before its due time has come.
  const { asOf } = window;
  const found = findings.filter((f) => f.state !== 'withdrawn' && within(f.createdAt, window));
  const closed = findings.flatMap((f) => {
    const inMonth = f.closures.filter((c) => countsInMonth(c, window));
    return inMonth.length === 0 ? [] : [{ finding: f, closure: inMonth.reduce((latest, c) => (c.closedAt > latest.closedAt ? c : latest)) }];
  });
  const onTime = closed.filter(({ closure }) => closure.onTime);
  // Open when the month ended (not closed then), its due time already behind it.
  const overdue = findings.filter((f) => {
    const due = dueOf(f);
    return f.createdAt < asOf && f.state !== 'withdrawn' && f.state !== 'transferred' && !closedAt(f, asOf) && due !== null && due < asOf;
  });
  return { found, closed, onTime, overdue };
}

/** The month's figures per source, every source listed. `relapsed` holds the source of each finding relapsed in the month, once per relapse. */
export function countBySource(window: MonthWindow, findings: FindingFacts[], relapsed: FindingSource[]): SourceCounts[] {
  return FINDING_SOURCES.map((source) => {
    const { found, closed, onTime, overdue } = monthOf(window, findings.filter((f) => f.source === source));
    return {
      source,
      found: found.length,
      closedOnTime: onTime.length,
      closedLate: closed.length - onTime.length,
      overdueAtMonthEnd: overdue.length,
      relapses: relapsed.filter((other) => other === source).length,
    };
  });
}

/**
 * One department's month. `rounds` are the rounds held (submitted or completed, scheduled in the
 * month); `findings` any that may count; `reopenings` one entry per REOPEN in the month, `relapses`
 * one per FOLLOW_UP_FAILED.
 */
export function assessDepartment(
  departmentId: string,
  window: MonthWindow,
  rounds: HeldRound[],
  findings: FindingFacts[],
  reopenings: number,
  relapses: number,
  weights: AssessmentWeights,
): DepartmentAssessment {
  const { found, closed, onTime, overdue } = monthOf(window, findings);
  const foundByType = zeroes(ROUND_TYPES);
  const foundBySeverity = zeroes(SEVERITIES);
  for (const f of found) {
    foundByType[f.roundType]++;
    foundBySeverity[f.severity]++;
  }
  const scores = rounds.filter((r) => r.score !== null).map((r) => r.score as number);
  const averageScore = mean(scores);
  const vetoes = rounds.filter((r) => r.vetoed).length;
  const due = closed.length + overdue.length;
  const onTimeRate = due === 0 ? 1 : onTime.length / due;
  const figure =
    weights.score * (averageScore ?? 100) +
    weights.timeliness * 100 * onTimeRate -
    weights.vetoPenalty * vetoes -
    weights.overduePenalty * overdue.length -
    weights.reopenPenalty * reopenings -
    weights.relapsePenalty * relapses;
  return {
    departmentId,
    roundsHeld: rounds.length,
    averageScore,
    vetoes,
    found: found.length,
    foundByType,
    foundBySeverity,
    closedOnTime: onTime.length,
    closedLate: closed.length - onTime.length,
    overdueAtMonthEnd: overdue.length,
    reopened: reopenings,
    relapses,
    averageDaysToClose: mean(closed.map(({ finding, closure }) => (closure.closedAt.getTime() - finding.createdAt.getTime()) / DAY_MS)),
    assessment: oneDecimal(Math.min(100, Math.max(0, figure))),
  };
}
