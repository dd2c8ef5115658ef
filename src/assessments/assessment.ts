import { DateTime } from 'luxon';
import type { FindingProgress, RoundType, Severity } from '../../workflows';
import { ROUND_TYPES, SEVERITIES } from '../../workflows';

/** How the figures combine into one assessment figure; see docs/checklists-and-scoring.md. */
export interface AssessmentWeights {
  /** Share of the average round score (0–100). */
  score: number;
  /** Share of the on-time rate (0–100). */
  timeliness: number;
  /** Points off per vetoed round, per finding overdue at month end, per reopening. */
  vetoPenalty: number;
  overduePenalty: number;
  reopenPenalty: number;
}

/** A calendar month in the hospital's time zone, as instants and as calendar dates. */
export interface MonthWindow {
  month: string;
  start: Date;
  end: Date;
  firstDay: string;
  lastDay: string;
}

export function monthWindow(month: string, timeZone: string): MonthWindow {
  const first = DateTime.fromISO(`${month}-01`, { zone: timeZone }).startOf('day');
  const next = first.plus({ months: 1 });
  return {
    month,
    start: first.toJSDate(),
    end: next.toJSDate(),
    firstDay: first.toISODate()!,
    lastDay: next.minus({ days: 1 }).toISODate()!,
  };
}

export interface HeldRound {
  departmentId: string;
  score: number | null;
  vetoed: boolean;
}

export interface FindingFacts {
  responsibleDepartmentId: string;
  roundType: RoundType;
  severity: Severity;
  state: FindingProgress;
  createdAt: Date;
  closedAt: Date | null;
  deadline: Date | null;
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
  averageDaysToClose: number | null;
  assessment: number;
}

const DAY_MS = 86_400_000;
const oneDecimal = (value: number) => Math.round(value * 10) / 10;
const mean = (values: number[]) => (values.length === 0 ? null : oneDecimal(values.reduce((sum, v) => sum + v, 0) / values.length));
const within = (instant: Date | null, window: MonthWindow) => instant !== null && instant >= window.start && instant < window.end;
const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/**
 * One department's month. `rounds` are the rounds held (submitted or completed, scheduled in the
 * month); `findings` any that may count; `reopenings` one entry per REOPEN in the month.
 */
export function assessDepartment(
  departmentId: string,
  window: MonthWindow,
  rounds: HeldRound[],
  findings: FindingFacts[],
  reopenings: number,
  weights: AssessmentWeights,
): DepartmentAssessment {
  const found = findings.filter((f) => f.state !== 'withdrawn' && within(f.createdAt, window));
  const closed = findings.filter((f) => f.state === 'closed' && within(f.closedAt, window));
  const onTime = closed.filter((f) => f.deadline === null || f.closedAt! <= f.deadline);
  // Open when the month ended (not yet closed then), its deadline already behind it.
  const overdue = findings.filter(
    (f) =>
      f.createdAt < window.end &&
      f.state !== 'withdrawn' &&
      f.state !== 'transferred' &&
      (f.closedAt === null || f.closedAt >= window.end) &&
      f.deadline !== null &&
      f.deadline < window.end,
  );
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
    weights.reopenPenalty * reopenings;
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
    averageDaysToClose: mean(closed.map((f) => (f.closedAt!.getTime() - f.createdAt.getTime()) / DAY_MS)),
    assessment: oneDecimal(Math.min(100, Math.max(0, figure))),
  };
}
