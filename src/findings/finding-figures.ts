import type { FindingSource } from '../../workflows';
import type { Scope } from '../access/visibility';

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
