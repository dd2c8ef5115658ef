import type { ExtensionState, FindingProgress, Timeliness } from './finding.types';

/** The three regions of a finding's state value, as flat names. */
export function findingStatus(value: unknown): { state: FindingProgress; timeliness: Timeliness; extension: ExtensionState } {
  const regions = value as { progress: FindingProgress | { open: FindingProgress }; timeliness: Timeliness; extension: ExtensionState };
  const state = typeof regions.progress === 'string' ? regions.progress : regions.progress.open;
  return { state, timeliness: regions.timeliness, extension: regions.extension };
}
