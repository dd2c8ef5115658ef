import type { FindingLead, FindingSource } from './finding.types';
import { Actor, RoundType, hasRole } from './vocabulary';

export interface Registration {
  source: Exclude<FindingSource, 'round'>;
  roundType: RoundType;
  responsibleDepartmentId: string;
}

/**
 * Who may register a finding outside a round, and who then leads it: the discipline office any
 * type (integrity only it); the lead office of the type (its verifiers and round leads); a
 * department its own problems found by self-inspection (自查), which the lead office then leads.
 * Null when the actor may not.
 */
export function registrationLead(actor: Actor, registration: Registration): FindingLead | null {
  if (hasRole(actor, 'discipline_office')) return { kind: 'discipline_office' };
  if (registration.roundType === 'integrity') return null;
  const inLeadOffice = (hasRole(actor, 'verifier') || hasRole(actor, 'round_lead')) && actor.leadOfficeFor.includes(registration.roundType);
  if (inLeadOffice) return { kind: 'lead_office' };
  const selfReport =
    registration.source === 'self_inspection' && hasRole(actor, 'department_staff') && actor.departmentId === registration.responsibleDepartmentId;
  return selfReport ? { kind: 'lead_office' } : null;
}

/**
 * Where a list's reference (`externalRef`) is unique, within its source: integrity matters apart
 * (only the discipline office registers and sees them), a department's self-inspection list its
 * own, every other list the hospital's. A reference that clashes so names only a finding its
 * registrant may see, and says nothing of anyone else's.
 */
export function referenceScope(registration: Registration): string {
  if (registration.roundType === 'integrity') return 'integrity';
  if (registration.source === 'self_inspection') return `department:${registration.responsibleDepartmentId}`;
  return 'hospital';
}
