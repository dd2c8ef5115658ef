import { shiftInstant } from './calendar';
import type { Audience } from './finding.notices';
import { findingStatus } from './finding.status';
import type { FindingContext } from './finding.types';

/** When time speaks to a finding: how long before the deadline it is due soon, and the escalation ladder. */
export interface TimerPolicy {
  dueSoonMs: number;
  /** In order: how long after the deadline each level is reached, and who then hears of it. */
  escalations: readonly { afterMs: number; audience: Audience }[];
}

export type TimerEvent = 'DUE_SOON' | 'DEADLINE_PASSED' | 'ESCALATE';

/** The one timer a finding is waiting for; `level` is the escalation level ESCALATE will reach. */
export interface FindingTimer {
  event: TimerEvent;
  /** UTC ISO 8601. */
  dueAt: string;
  level: number | null;
}

/**
 * The next event time owes a finding, or null: nothing while it has no deadline or is settled
 * (closing stops the clock); otherwise the step after its timeliness. Each firing moves the
 * finding on, so the next timer follows from the new snapshot; a finding waits for one at a time.
 */
export function nextTimer(snapshot: { value: unknown; context: unknown }, policy: TimerPolicy): FindingTimer | null {
  const context = snapshot.context as FindingContext;
  const { state, timeliness } = findingStatus(snapshot.value);
  const open = state !== 'closed' && state !== 'withdrawn' && state !== 'transferred';
  if (!open || context.deadline === null) return null;
  const deadline = context.deadline;
  switch (timeliness) {
    case 'on_track':
      return { event: 'DUE_SOON', dueAt: shiftInstant(deadline, -policy.dueSoonMs), level: null };
    case 'due_soon':
      return { event: 'DEADLINE_PASSED', dueAt: shiftInstant(deadline, 0), level: null };
    case 'overdue':
    case 'escalated': {
      const next = policy.escalations[context.escalationLevel];
      return next ? { event: 'ESCALATE', dueAt: shiftInstant(deadline, next.afterMs), level: context.escalationLevel + 1 } : null;
    }
  }
}

export function sameTimer(a: FindingTimer | null, b: FindingTimer | null): boolean {
  return a === b || (a !== null && b !== null && a.event === b.event && a.dueAt === b.dueAt && a.level === b.level);
}
