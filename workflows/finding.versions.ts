import type { StoredSnapshot } from './stored-snapshot';
import { BEFORE_RECEIPT_AND_FOLLOW_UP, type FindingContext, type FindingProgress } from './finding.types';

/** Working days to sign for a finding, for version-4 findings still waiting to be assigned (the service's default). */
const V4_RECEIPT_DAYS = 2;

/**
 * A version-4 finding as version 5 reads it: it was logged in a round, led by its round lead, and
 * signed for once assigned (receipt did not exist then, so none is owed); no responsible person,
 * committed due time or follow-up check was recorded.
 */
export function upgradeFindingV4(stored: StoredSnapshot): StoredSnapshot {
  if ('lead' in (stored.context as object)) return stored;
  const { roundLeadId, ...context } = stored.context as Omit<FindingContext, 'lead'> & { roundLeadId: string };
  const value = stored.value as { progress: FindingProgress | { open: FindingProgress } };
  const reported = typeof value.progress !== 'string' && value.progress.open === 'reported';
  const upgraded: FindingContext = {
    ...context,
    source: 'round',
    lead: { kind: 'round_lead', userId: roundLeadId },
    responsiblePersonId: null,
    receiptDays: V4_RECEIPT_DAYS,
    followUpDays: null,
    ...BEFORE_RECEIPT_AND_FOLLOW_UP,
  };
  return { value: { ...value, receipt: reported ? 'unacknowledged' : 'acknowledged' }, context: upgraded };
}
