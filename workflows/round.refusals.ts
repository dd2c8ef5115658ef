import { missingItems } from './checklist';
import { addressedPart, partOf } from './round.payload';
import type { RoundContext, RoundEvent } from './round.types';
import type { Actor, Conflict } from './vocabulary';

/** Why nobody may send the event now, when the state alone does not say: a part submitted with items unanswered. */
export function roundConflict(context: RoundContext, event: RoundEvent): Conflict | null {
  if (event.type !== 'SUBMIT') return null;
  const part = partOf(context, addressedPart(context, event));
  const missing = part ? missingItems(part.checklist, part.results) : [];
  if (!part || missing.length === 0) return null;
  return {
    message: `The ${part.type} checklist has ${missing.length} item(s) without a result`,
    details: { roundType: part.type, missingItems: missing },
    entitled: event.actor.id === part.leadId,
  };
}

/** Someone who would pass every "who" guard for this event: tells 403 (not you) from 409 (nobody, now). */
export function roundPrivilegedActor(context: RoundContext, event: RoundEvent): Actor {
  const id = partOf(context, addressedPart(context, event))?.leadId ?? context.leadId;
  return { id, roles: ['round_lead', 'inspector', 'system'], departmentId: null, leadOfficeFor: [] };
}
