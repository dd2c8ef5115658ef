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
