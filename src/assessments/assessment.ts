import { DateTime } from 'luxon';
import type { DepartmentKind, FindingProgress, FindingSource, Grade, Label, RoundPart, RoundType, Severity } from '../../workflows';
import { FINDING_SOURCES, LABELS, ROUND_TYPES, SEVERITIES } from '../../workflows';
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

/** The lowest assessment of each grade above 不合格; below `pass` is `fail`. */
export interface GradeThresholds {
  excellent: number;
  good: number;
  pass: number;
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
  /** Null when no round was held in the month (未检查): a department is never scored for work nobody checked. */
  assessment: number | null;
}

/** A failed bottom-line item (一票否决) of a held round, as the reader may see it. */
export interface Veto {
  departmentId: string;
  /** The round's date. */
  day: string;
  roundType: RoundType;
  /** Null, with the item, when the reader may not see the part's results (an integrity part, outside integrity). */
  roundId: string | null;
  itemCode: string | null;
}

export type VetoCause = Pick<Veto, 'roundType' | 'roundId' | 'itemCode'>;

export interface DepartmentGrade {
  grade: Grade;
  /** The veto that decided a 不合格 whatever the score; null when the score decided. */
  gradeCause: VetoCause | null;
  /** What the grade reads as, a veto's kind included. */
  gradeLabel: Label;
  /** Eligible for 评优评先: no vetoed round from the year's first day to the month's last. */
  eligible: boolean;
  eligibilityCause: VetoCause | null;
}

/** A place in a ranking: standard competition ranking (1, 2, 2, 4), vetoed last, the uninspected unranked. */
export interface Standing {
  /** Null when not inspected, outside any group, or for a reader who sees one department only. */
  rank: number | null;
  /** How many share the rank (1 when alone); null when unranked. */
  rankTies: number | null;
  /** How many of the group are ranked; null outside any group, or for a reader who sees one department only. */
  rankOf: number | null;
}

/** A department's place within its kind (rank…) and within its Party branch (branchRank…). */
export interface DepartmentRank extends Standing {
  branchRank: number | null;
  branchRankTies: number | null;
  branchRankOf: number | null;
}

const UNRANKED: Standing = { rank: null, rankTies: null, rankOf: null };

/** What a reader who sees one department's figures only is told of ranks: nothing, since the others' figures are not theirs. */
export const UNRANKED_FOR_READER: DepartmentRank = { ...UNRANKED, branchRank: null, branchRankTies: null, branchRankOf: null };

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
    assessment: rounds.length === 0 ? null : oneDecimal(Math.min(100, Math.max(0, figure))),
  };
}

/**
 * Each failed bottom-line item of a round, one veto each; a part whose results the reader may not
 * see (`maySee` false: integrity, outside integrity) tells only that it vetoed, not which round or item.
 */
export function roundVetoes(round: { id: string; departmentId: string; scheduledFor: string; parts: RoundPart[] }, maySee: (type: RoundType) => boolean): Veto[] {
  return round.parts.flatMap((part) =>
    part.checklist.items
      .filter((item) => item.veto && part.results[item.code]?.result === 'fail')
      .map((item) => ({
        departmentId: round.departmentId,
        day: round.scheduledFor,
        roundType: part.type,
        roundId: maySee(part.type) ? round.id : null,
        itemCode: maySee(part.type) ? item.code : null,
      })),
  );
}

const causeOf = ({ roundType, roundId, itemCode }: Veto): VetoCause => ({ roundType, roundId, itemCode });

/**
 * A department's grade for the month (or the year, given its window): a veto in the period makes it 不合格 whatever the score; no
 * round held, 未检查; otherwise the thresholds. `vetoes` are the department's, earliest first; any
 * from the year's first day to the month's last makes it ineligible for 评优评先.
 */
export function gradeDepartment(assessment: number | null, window: PeriodWindow, vetoes: Veto[], thresholds: GradeThresholds): DepartmentGrade {
  const yearStart = `${window.firstDay.slice(0, 4)}-01-01`;
  const ofYear = vetoes.filter((v) => v.day >= yearStart && v.day <= window.lastDay);
  const inMonth = ofYear.find((v) => v.day >= window.firstDay);
  const grade: Grade = inMonth ? 'fail' : assessment === null ? 'not_inspected' : scoreGrade(assessment, thresholds);
  return {
    grade,
    gradeCause: inMonth ? causeOf(inMonth) : null,
    gradeLabel: inMonth ? LABELS.grade[inMonth.roundType === 'integrity' ? 'integrity_vetoed' : 'vetoed'] : LABELS.grade[grade],
    eligible: ofYear.length === 0,
    eligibilityCause: ofYear.length === 0 ? null : causeOf(ofYear[0]),
  };
}

export function scoreGrade(assessment: number, thresholds: GradeThresholds): Grade {
  if (assessment >= thresholds.excellent) return 'excellent';
  if (assessment >= thresholds.good) return 'good';
  return assessment >= thresholds.pass ? 'pass' : 'fail';
}

/**
 * Ranks within each group (a department kind, a Party branch, …): a vetoed one after every other,
 * then by assessment, highest first; equal ones share a rank and the next rank skips as many
 * (1, 2, 2, 4). One with no assessment (not inspected) has no rank; one in no group (a department
 * of no branch) no rank and no group size.
 */
export function rankWithinGroups(items: { id: string; group: string | null; assessment: number | null; vetoed: boolean }[]): Map<string, Standing> {
  const ranks = new Map<string, Standing>();
  const key = (item: (typeof items)[number]) => `${item.vetoed ? 1 : 0}:${item.assessment}`;
  for (const item of items) if (item.group === null) ranks.set(item.id, UNRANKED);
  for (const group of new Set(items.flatMap((item) => (item.group === null ? [] : [item.group])))) {
    const ofGroup = items.filter((item) => item.group === group);
    const ranked = ofGroup
      .filter((item) => item.assessment !== null)
      .sort((a, b) => Number(a.vetoed) - Number(b.vetoed) || (b.assessment as number) - (a.assessment as number));
    for (const item of ofGroup) {
      const first = ranked.findIndex((other) => key(other) === key(item));
      ranks.set(item.id, {
        rank: item.assessment === null ? null : first + 1,
        rankTies: item.assessment === null ? null : ranked.filter((other) => key(other) === key(item)).length,
        rankOf: ranked.length,
      });
    }
  }
  return ranks;
}

/** Each department's place within its kind and within its Party branch, by one ranking. */
export function rankDepartments(
  items: { departmentId: string; kind: DepartmentKind; partyBranchId: string | null; assessment: number | null; vetoed: boolean }[],
): Map<string, DepartmentRank> {
  const ranked = (group: (item: (typeof items)[number]) => string | null) =>
    rankWithinGroups(items.map((item) => ({ id: item.departmentId, group: group(item), assessment: item.assessment, vetoed: item.vetoed })));
  const byKind = ranked((item) => item.kind);
  const byBranch = ranked((item) => item.partyBranchId);
  return new Map(
    items.map(({ departmentId: id }) => {
      const branch = byBranch.get(id)!;
      return [id, { ...byKind.get(id)!, branchRank: branch.rank, branchRankTies: branch.rankTies, branchRankOf: branch.rankOf }];
    }),
  );
}

/** A month's figures and grade of one department, as the year is made of them. */
export type GradedMonth = DepartmentAssessment & Pick<DepartmentGrade, 'gradeCause'>;

const sum = (months: GradedMonth[], figure: (month: GradedMonth) => number) => months.reduce((total, month) => total + figure(month), 0);
/** The mean of the months' means, each weighted by what it was the mean of; null when nothing was. */
const weighted = (months: GradedMonth[], value: (month: GradedMonth) => number | null, weight: (month: GradedMonth) => number) => {
  const counted = months.filter((month) => value(month) !== null && weight(month) > 0);
  const total = sum(counted, weight);
  return total === 0 ? null : oneDecimal(sum(counted, (month) => (value(month) as number) * weight(month)) / total);
};
const summed = <K extends string>(months: GradedMonth[], keys: readonly K[], of: (month: GradedMonth) => Record<K, number>) =>
  Object.fromEntries(keys.map((key) => [key, sum(months, (month) => of(month)[key])])) as Record<K, number>;

/**
 * A department's year from its months' figures (every month counted so far): the counts summed,
 * the average score and the assessment averaged over the rounds held (a month weighs as many
 * rounds as it held), the days to close over the closures. Any veto in the year makes it 不合格
 * and ineligible, the first one its cause (as the months tell it: an integrity veto without its
 * round and item outside integrity); no round in the year, 未检查; otherwise the thresholds.
 */
export function assessYear(departmentId: string, months: GradedMonth[], thresholds: GradeThresholds): DepartmentAssessment & DepartmentGrade {
  const roundsHeld = sum(months, (m) => m.roundsHeld);
  const assessment = weighted(months, (m) => m.assessment, (m) => m.roundsHeld);
  const firstVeto = months.find((m) => m.gradeCause !== null)?.gradeCause ?? null;
  const grade: Grade = firstVeto ? 'fail' : assessment === null ? 'not_inspected' : scoreGrade(assessment, thresholds);
  return {
    departmentId,
    roundsHeld,
    averageScore: weighted(months, (m) => m.averageScore, (m) => m.roundsHeld),
    vetoes: sum(months, (m) => m.vetoes),
    found: sum(months, (m) => m.found),
    foundByType: summed(months, ROUND_TYPES, (m) => m.foundByType),
    foundBySeverity: summed(months, SEVERITIES, (m) => m.foundBySeverity),
    closedOnTime: sum(months, (m) => m.closedOnTime),
    closedLate: sum(months, (m) => m.closedLate),
    overdueAtMonthEnd: sum(months, (m) => m.overdueAtMonthEnd),
    reopened: sum(months, (m) => m.reopened),
    relapses: sum(months, (m) => m.relapses),
    averageDaysToClose: weighted(months, (m) => m.averageDaysToClose, (m) => m.closedOnTime + m.closedLate),
    assessment,
    grade,
    gradeCause: firstVeto,
    gradeLabel: firstVeto ? LABELS.grade[firstVeto.roundType === 'integrity' ? 'integrity_vetoed' : 'vetoed'] : LABELS.grade[grade],
    eligible: firstVeto === null,
    eligibilityCause: firstVeto,
  };
}

/** A Party branch's year, from its departments' years. */
export interface BranchAssessment {
  departments: number;
  /** Departments with a round held in the year. */
  inspected: number;
  roundsHeld: number;
  /** The mean of its inspected departments' assessments; null when none was inspected. */
  averageAssessment: number | null;
  found: number;
  closedOnTime: number;
  closedLate: number;
  overdueAtMonthEnd: number;
  relapses: number;
  vetoes: number;
  /** Departments vetoed in the year. */
  vetoedDepartments: number;
  /** 不合格 when any of its departments was vetoed; 未检查 when none was inspected; otherwise its average by the thresholds. */
  grade: Grade;
  gradeLabel: Label;
}

export function assessBranch(years: (DepartmentAssessment & DepartmentGrade)[], thresholds: GradeThresholds): BranchAssessment {
  const inspected = years.filter((year) => year.assessment !== null);
  const vetoed = years.filter((year) => year.gradeCause !== null);
  const averageAssessment = mean(inspected.map((year) => year.assessment as number));
  const grade: Grade = vetoed.length > 0 ? 'fail' : averageAssessment === null ? 'not_inspected' : scoreGrade(averageAssessment, thresholds);
  const total = (figure: (year: DepartmentAssessment) => number) => years.reduce((n, year) => n + figure(year), 0);
  return {
    departments: years.length,
    inspected: inspected.length,
    roundsHeld: total((y) => y.roundsHeld),
    averageAssessment,
    found: total((y) => y.found),
    closedOnTime: total((y) => y.closedOnTime),
    closedLate: total((y) => y.closedLate),
    overdueAtMonthEnd: total((y) => y.overdueAtMonthEnd),
    relapses: total((y) => y.relapses),
    vetoes: total((y) => y.vetoes),
    vetoedDepartments: vetoed.length,
    grade,
    gradeLabel: vetoed.length > 0 ? LABELS.grade[vetoed.some((y) => y.gradeCause!.roundType === 'integrity') ? 'integrity_vetoed' : 'vetoed'] : LABELS.grade[grade],
  };
}
