import { Score, checklistScore, combinedScore } from './checklist';
import type { PartState, RoundContext, RoundPart, RoundState } from './round.types';
import type { RoundType } from './vocabulary';

/** The round's state and each part's, from the snapshot's value. */
export function roundStatus(value: unknown): { state: RoundState; parts: Partial<Record<RoundType, PartState>> } {
  if (typeof value === 'string') return { state: value as RoundState, parts: {} };
  const regions = (value as { in_progress: Partial<Record<RoundType, PartState>> }).in_progress;
  return { state: 'in_progress', parts: regions };
}

/** A part's score and veto, from its checklist results. */
export function partScore(part: RoundPart): Score {
  return checklistScore(part.checklist, part.results);
}

/** The round's score and veto over all its parts. */
export function roundScore(context: RoundContext): Score {
  return combinedScore(context.parts.map(partScore));
}
