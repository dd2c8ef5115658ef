import type { FindingContext, FindingEvent } from './finding.types';

/** Events that decide on the rectification: their audit entries record what they decided on. */
export const DECISION_EVENTS = ['VERIFY_ACCEPT', 'VERIFY_REJECT', 'AUDIT_APPROVE', 'AUDIT_REJECT'] as const;

/** What a decision is taken on: the measures and the evidence, as they stand when it is taken. */
export function findingDecisionBasis(context: FindingContext, event: FindingEvent): Record<string, unknown> | null {
  if (!(DECISION_EVENTS as readonly string[]).includes(event.type)) return null;
  return { measures: context.measures, committedDate: context.committedDate, evidence: context.evidence };
}
