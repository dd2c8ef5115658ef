import type { FindingSource } from '../../workflows';
import { In, type EntityManager } from 'typeorm';
import type { Scope } from '../access/visibility';
import { FindingClosureEntity } from './finding-closure.entity';

/** What the due time of a finding is read from. */
export interface FindingDues {
  committedDue: Date | null;
  deadline: Date | null;
}

/**
 * When a finding is due: the end of the date its plan committed to (承诺完成时限) while that
 * commitment stands, else its deadline. The machine's timers run against the same time
 * (workflows/finding-timers.ts); every report judges "closed on time" and "overdue" by it.
 */
export const dueOf = (finding: FindingDues): Date | null => finding.committedDue ?? finding.deadline;

/** Closed by its due time; a finding that was never given one closed on time. */
export function closedOnTime(finding: FindingDues & { closedAt: Date }): boolean {
  const due = dueOf(finding);
  return due === null || finding.closedAt <= due;
}

/** `dueOf` in SQL, over the findings aliased `finding`. */
export const DUE_SQL = 'COALESCE("finding"."committedDue", "finding"."deadline")';

/** The findings a scope lets its caller see, narrowed to one source when one is asked for. */
export function ofSource(scope: Scope, source: FindingSource | undefined): Scope {
  if (source === undefined) return scope;
  return { ...scope, condition: `${scope.condition} AND "${scope.alias}"."source" = :figuresSource`, parameters: { ...scope.parameters, figuresSource: source } };
}

/** Closures of the finding aliased `finding` (finding_closures), narrowed by `condition` over the alias `closure`. */
const closureWhere = (condition: string) => `EXISTS (SELECT 1 FROM "finding_closures" "closure" WHERE "closure"."findingId" = "finding"."id" AND ${condition})`;

/**
 * A closure counts in the month it was made, unless undone within that month: what a month's
 * figures hold once it has ended never changes, whatever becomes of the finding afterwards.
 */
const COUNTS_IN_MONTH = '"closure"."closedAt" >= :start AND "closure"."closedAt" < :end AND ("closure"."reopenedAt" IS NULL OR "closure"."reopenedAt" >= :end)';

/** SQL: the finding has a closure that counts in [:start, :end). */
export const CLOSED_IN_SQL = closureWhere(COUNTS_IN_MONTH);

/** SQL: the finding was closed at :closedAtInstant (closed before it, and not reopened by then). */
export const CLOSED_AT_SQL = closureWhere('"closure"."closedAt" < :closedAtInstant AND ("closure"."reopenedAt" IS NULL OR "closure"."reopenedAt" >= :closedAtInstant)');

/** SQL: the finding was closed at least once on or after :start. */
export const CLOSED_SINCE_SQL = closureWhere('"closure"."closedAt" >= :start');

/** One closure of a finding, as the months' figures count it. */
export interface Closure {
  findingId: string;
  closedAt: Date;
  onTime: boolean;
}

/** A finding's closure and when it was reopened, if it was. */
export type ClosurePeriod = Pick<FindingClosureEntity, 'closedAt' | 'onTime' | 'reopenedAt'>;

/** Every closure of each finding, with when it was reopened, by finding id. */
export async function closuresOf(manager: EntityManager, findingIds: string[]): Promise<Map<string, ClosurePeriod[]>> {
  const byFinding = new Map<string, ClosurePeriod[]>();
  for (let first = 0; first < findingIds.length; first += 500) {
    const rows = await manager.find(FindingClosureEntity, { where: { findingId: In(findingIds.slice(first, first + 500)) } });
    for (const { findingId, closedAt, onTime, reopenedAt } of rows) byFinding.set(findingId, [...(byFinding.get(findingId) ?? []), { closedAt, onTime, reopenedAt }]);
  }
  return byFinding;
}

/** Whether a closure counts in [start, end) (COUNTS_IN_MONTH). */
export const countsInMonth = (closure: ClosurePeriod, window: { start: Date; end: Date }): boolean =>
  closure.closedAt >= window.start && closure.closedAt < window.end && (closure.reopenedAt === null || closure.reopenedAt >= window.end);

/** The latest closure of each finding that counts in [start, end), by finding id. */
export async function closuresIn(manager: EntityManager, findingIds: string[], window: { start: Date; end: Date }): Promise<Map<string, Closure>> {
  const latest = new Map<string, Closure>();
  for (const [findingId, closures] of await closuresOf(manager, findingIds)) {
    const counted = closures.filter((closure) => countsInMonth(closure, window));
    if (counted.length > 0) latest.set(findingId, { findingId, ...counted.reduce((last, c) => (c.closedAt > last.closedAt ? c : last)) });
  }
  return latest;
}
