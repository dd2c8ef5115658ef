import type { ExtensionState, FindingContext, FindingProgress, Light, ReceiptState, Timeliness } from './finding.types';

/** The regions of a finding's state value, as flat names. */
export function findingStatus(value: unknown): { state: FindingProgress; timeliness: Timeliness; extension: ExtensionState; receipt: ReceiptState } {
  const regions = value as { progress: FindingProgress | { open: FindingProgress }; timeliness: Timeliness; extension: ExtensionState; receipt: ReceiptState };
  const state = typeof regions.progress === 'string' ? regions.progress : regions.progress.open;
  return { state, timeliness: regions.timeliness, extension: regions.extension, receipt: regions.receipt };
}

/**
 * The supervision light (督办红黄绿灯) of an open finding, first match wins: red when overdue or
 * escalated (for its deadline or for its receipt), yellow when not signed for in time or due soon,
 * green otherwise. A settled finding has none.
 */
export function findingLight(snapshot: { value: unknown; context: unknown }): Light | null {
  const { state, timeliness, receipt } = findingStatus(snapshot.value);
  if (state === 'closed' || state === 'withdrawn' || state === 'transferred') return null;
  const context = snapshot.context as FindingContext;
  if (timeliness === 'overdue' || timeliness === 'escalated' || context.receiptEscalationLevel > 0) return 'red';
  if (receipt === 'late' || timeliness === 'due_soon') return 'yellow';
  return 'green';
}
