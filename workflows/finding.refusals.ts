import type { FindingContext, FindingEvent } from './finding.types';
import { Actor, Conflict, hasRole } from './vocabulary';

/**
 * Why the finding machine refuses an event, beyond its state: what stands in the way (409 with details),
 * and who could have sent it (to tell 403 from 409). The engine asks these once the machine says no.
 */

/** The responsible department's staff: they rectify the finding. */
export const isResponsibleStaff = (context: FindingContext, actor: Actor): boolean =>
  hasRole(actor, 'department_staff') && actor.departmentId === context.responsibleDepartmentId;

/** Whoever leads the finding: its round's (part's) lead, or a member of the office that registered it. */
export function isFindingLead(context: FindingContext, actor: Actor): boolean {
  switch (context.lead.kind) {
    case 'round_lead':
      return hasRole(actor, 'round_lead') && actor.id === context.lead.userId;
    case 'lead_office':
      return (hasRole(actor, 'verifier') || hasRole(actor, 'round_lead')) && actor.leadOfficeFor.includes(context.roundType);
    case 'discipline_office':
      return hasRole(actor, 'discipline_office');
  }
}

/** What stands in the way of an event its sender could otherwise send (409 with details). */
export function findingConflict(context: FindingContext, event: FindingEvent): Conflict | null {
  const acceptance = context.verification;
  // Until the closure is approved: afterwards nothing is left to approve.
  if (acceptance !== null && acceptance.acceptedBy === event.actor.id && context.selfAuditAllowance === null && context.closureApproval === null) {
    const entitled = hasRole(event.actor, 'discipline_office');
    const details = { rule: 'SEPARATION_OF_DUTIES', acceptedBy: acceptance.acceptedBy, acceptedAt: acceptance.acceptedAt };
    if (event.type === 'AUDIT_APPROVE') {
      return {
        message:
          'You accepted this finding\'s verification, so you may not also approve its closure audit (separation of duties): ' +
          'another discipline-office user approves it, or allows you to with a written reason (ALLOW_SELF_AUDIT)',
        details,
        entitled,
      };
    }
    if (event.type === 'ALLOW_SELF_AUDIT') {
      return {
        message: 'You accepted this finding\'s verification: only another discipline-office user may allow you to approve its closure audit',
        details,
        entitled,
      };
    }
  }
  if (event.type === 'REQUEST_EXTENSION' && context.extensionRequests >= context.extensionLimit) {
    return {
      message: `This finding has had its ${context.extensionLimit} extension request(s); no more may be made`,
      details: { limit: context.extensionLimit, count: context.extensionRequests },
      entitled: isResponsibleStaff(context, event.actor),
    };
  }
  return null;
}

/** Someone who would pass every "who" guard for this finding: tells 403 (not you) from 409 (nobody, now). */
export function findingPrivilegedActor(context: FindingContext): Actor {
  return {
    id: context.lead.kind === 'round_lead' ? context.lead.userId : 'lead',
    roles: ['round_lead', 'department_staff', 'verifier', 'discipline_office', 'system'],
    departmentId: context.responsibleDepartmentId,
    leadOfficeFor: [context.roundType],
  };
}
