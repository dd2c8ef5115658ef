import { shiftInstant } from './calendar';
import type { Audience } from './finding.notices';
import { findingStatus } from './finding.status';
import type { FindingContext, ReceiptState, Timeliness } from './finding.types';

/** When time speaks to a finding: how long before the deadline it is due soon, and the escalation ladder. */
export interface TimerPolicy {
  dueSoonMs: number;
  /** In order: how long after the deadline each level is reached, and who then hears of it. */
  escalations: readonly { afterMs: number; audience: Audience }[];
}

export type TimerEvent = 'DUE_SOON' | 'DEADLINE_PASSED' | 'ESCALATE' | 'RECEIPT_LATE' | 'RECEIPT_ESCALATE';

/** The one timer a finding is waiting for; `level` is the escalation level ESCALATE will reach. */
export interface FindingTimer {
  event: TimerEvent;
  /** UTC ISO 8601. */
  dueAt: string;
  level: number | null;
}

/**
 * The next event time owes a finding, or null: nothing while it is settled (closing stops the
 * clocks); otherwise the earlier of its two clocks. The deadline's clock runs once it has a
 * deadline, against the date its plan committed to if any; the receipt's while it is assigned and
 * not signed for. Each firing moves the finding on, so the next timer follows from the new
 * snapshot; a finding waits for one at a time.
 */
export function nextTimer(snapshot: { value: unknown; context: unknown }, policy: TimerPolicy): FindingTimer | null {
  const { state, timeliness, receipt } = findingStatus(snapshot.value);
  if (state === 'closed' || state === 'withdrawn' || state === 'transferred') return null;
  const context = snapshot.context as FindingContext;
  const timers = [deadlineTimer(context, timeliness, policy), state === 'assigned' ? receiptTimer(context, receipt, policy) : null];
  return timers.reduce<FindingTimer | null>((earliest, timer) => (timer && (!earliest || Date.parse(timer.dueAt) < Date.parse(earliest.dueAt)) ? timer : earliest), null);
}

function deadlineTimer(context: FindingContext, timeliness: Timeliness, policy: TimerPolicy): FindingTimer | null {
  const due = context.committedDue ?? context.deadline;
  if (due === null) return null;
  switch (timeliness) {
    case 'on_track':
      return { event: 'DUE_SOON', dueAt: shiftInstant(due, -policy.dueSoonMs), level: null };
    case 'due_soon':
      return { event: 'DEADLINE_PASSED', dueAt: shiftInstant(due, 0), level: null };
    case 'overdue':
    case 'escalated':
      return escalation('ESCALATE', due, context.escalationLevel, policy);
  }
}

function receiptTimer(context: FindingContext, receipt: ReceiptState, policy: TimerPolicy): FindingTimer | null {
  if (context.receiptDue === null) return null;
  switch (receipt) {
    case 'unacknowledged':
      return { event: 'RECEIPT_LATE', dueAt: shiftInstant(context.receiptDue, 0), level: null };
    case 'late':
      return escalation('RECEIPT_ESCALATE', context.receiptDue, context.receiptEscalationLevel, policy);
    case 'acknowledged':
      return null;
  }
}

/** The ladder's next step after `from`, if the ladder has one. */
function escalation(event: TimerEvent, from: string, level: number, policy: TimerPolicy): FindingTimer | null {
  const next = policy.escalations[level];
  return next ? { event, dueAt: shiftInstant(from, next.afterMs), level: level + 1 } : null;
}

export function sameTimer(a: FindingTimer | null, b: FindingTimer | null): boolean {
  return a === b || (a !== null && b !== null && a.event === b.event && a.dueAt === b.dueAt && a.level === b.level);
}
