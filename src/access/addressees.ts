import type { Audience, FindingContext } from '../../workflows';

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
