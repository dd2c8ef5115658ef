import type { Audience, FindingContext, Role, RoundType } from '../../workflows';

/**
 * Who an audience means for one finding, as SQL: people holding a role, in a set of departments
 * (any, when the set is null), or one person. The same addressing picks the users who get a
 * notification and the webhook endpoints that take the notice, each in one statement.
 */
interface Addressee {
  role: Audience;
  /** A SQL set of department ids, or null for any department. */
  departments: string | null;
  userId?: string;
}

const LEAD_OFFICES = `(SELECT "id" FROM "departments" WHERE "leadOfficeFor" LIKE :leadOfficePattern)`;

function addresseesOf(audience: Audience, context: FindingContext): Addressee[] {
  switch (audience) {
    case 'department_staff':
      return [{ role: audience, departments: '(:responsibleDepartmentId)' }];
    case 'verifier':
      return [{ role: audience, departments: LEAD_OFFICES }];
    case 'discipline_office':
      return [{ role: audience, departments: null }];
    case 'round_lead':
      // The finding's lead: its round's lead, or the office that registered it.
      switch (context.lead.kind) {
        case 'round_lead':
          return [{ role: audience, departments: null, userId: ':roundLeadId' }];
        case 'lead_office':
          return [{ role: 'verifier', departments: LEAD_OFFICES }, { role: 'round_lead', departments: LEAD_OFFICES }];
        case 'discipline_office':
          return [{ role: 'discipline_office', departments: null }];
      }
  }
}

export interface Addressing {
  /** Over `"users"`: the people addressed. */
  users: string;
  /**
   * Over `"webhook_endpoints"`: an endpoint for a role takes notices for that role, one for a
   * department those for its people. An integrity notice goes only where everyone reading is
   * inside the matter: an endpoint naming the addressed role (and, but for the discipline office,
   * the addressed department); never one open to every role or department, nor a round lead's,
   * which no endpoint stands for alone.
   */
  endpoints: string;
  parameters: Record<string, unknown>;
}

export function addressing(audiences: readonly Audience[], context: FindingContext): Addressing {
  const addressees = audiences.flatMap((audience) => addresseesOf(audience, context));
  const any = (conditions: string[]) => (conditions.length === 0 ? '1 = 0' : `(${conditions.join(' OR ')})`);
  const endpointFor = ({ role, departments, userId }: Addressee): string[] => {
    if (context.roundType !== 'integrity') {
      return [`("role" IS NULL OR "role" = '${role}') AND ("departmentId" IS NULL${departments ? ` OR "departmentId" IN ${departments}` : ''})`];
    }
    if (userId) return [];
    return [`"integrityMarkedBy" IS NOT NULL AND "role" = '${role}'${departments ? ` AND "departmentId" IN ${departments}` : ''}`];
  };
  return {
    users: any([
      ...addressees.map(({ role, departments, userId }) =>
        [`"roles" LIKE '%"${role}"%'`, departments && `"departmentId" IN ${departments}`, userId && `"id" = ${userId}`].filter(Boolean).join(' AND '),
      ),
      // The responsible person (责任人) hears what their department hears, whatever their roles.
      ...(context.responsiblePersonId !== null && audiences.includes('department_staff') ? [`"id" = :responsiblePersonId AND "departmentId" = :responsibleDepartmentId`] : []),
    ]),
    endpoints: any(addressees.flatMap(endpointFor)),
    parameters: {
      responsibleDepartmentId: context.responsibleDepartmentId,
      leadOfficePattern: `%"${context.roundType}"%`,
      roundLeadId: context.lead.kind === 'round_lead' ? context.lead.userId : null,
      responsiblePersonId: context.responsiblePersonId,
    },
  };
}

/**
 * Over `"webhook_endpoints"`: those standing for someone among `users` (SQL over `"users"`): an
 * endpoint for a role takes what a person with that role is told, one for a department what its
 * people are told, one for both what such a person is told.
 */
function endpointsStandingFor(users: string): string {
  return `EXISTS (SELECT 1 FROM "users" "told" WHERE "told"."active" = :active AND (${users})
    AND ("webhook_endpoints"."role" IS NULL OR "told"."roles" LIKE '%"' || "webhook_endpoints"."role" || '"%')
    AND ("webhook_endpoints"."departmentId" IS NULL OR "told"."departmentId" = "webhook_endpoints"."departmentId"))`;
}

/** What a round notice needs of its round. */
interface NoticedRound {
  types: readonly RoundType[];
  departmentId: string;
  unannounced: boolean;
  leadId: string;
  teamMemberIds: readonly string[];
}

/**
 * A round notice goes to the round's lead and team, and to the endpoints standing for one of them.
 * A round with an integrity part goes only to endpoints marked for integrity that name a role and
 * (but for the discipline office's) a department: as for integrity findings, never to one open to
 * every role or department. An unannounced round is never told to its visited department's people:
 * only endpoints naming another department take it.
 */
export function roundParticipants(round: NoticedRound): Addressing {
  const users = `"id" IN (:...roundParticipantIds)`;
  const conditions = [endpointsStandingFor(users)];
  if (round.types.includes('integrity')) {
    conditions.push(`"integrityMarkedBy" IS NOT NULL AND "role" IS NOT NULL AND ("departmentId" IS NOT NULL OR "role" = 'discipline_office')`);
  }
  if (round.unannounced) conditions.push(`"departmentId" IS NOT NULL AND "departmentId" <> :visitedDepartmentId`);
  return {
    users,
    endpoints: `(${conditions.join(' AND ')})`,
    parameters: { roundParticipantIds: [round.leadId, ...round.teamMemberIds], visitedDepartmentId: round.departmentId },
  };
}

/**
 * An announcement goes to every active person holding one of its roles (if it names roles) and
 * belonging to one of its departments (if it names departments), and to the endpoints standing for
 * one of them: both named narrow each other, so "the staff of the wards" reaches no one else. It is
 * the hospital's to read: no integrity rule holds it back.
 */
export function announcementAudience(roles: readonly Role[], departmentIds: readonly string[]): Addressing {
  const byRole = roles.map((_, i) => `"roles" LIKE :audienceRole${i}`).join(' OR ');
  const byDepartment = departmentIds.length > 0 ? `"departmentId" IN (:...audienceDepartmentIds)` : '';
  const users = `(${[byRole && `(${byRole})`, byDepartment].filter(Boolean).join(' AND ') || '1 = 0'})`;
  return {
    users,
    endpoints: endpointsStandingFor(users),
    parameters: { ...Object.fromEntries(roles.map((role, i) => [`audienceRole${i}`, `%"${role}"%`])), audienceDepartmentIds: departmentIds },
  };
}
