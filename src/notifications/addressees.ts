import type { Audience, FindingContext, Role } from '../../workflows';

/** One group a notice is for: people with `role`, in `departmentId` when given, or one person. */
export interface Addressee {
  role: Role;
  departmentId: string | null;
  userId?: string;
}

/** The groups an audience means for one finding; `leadOffices` are the departments leading its round type. */
export function addresseesOf(audience: Audience, context: FindingContext, leadOffices: string[]): Addressee[] {
  switch (audience) {
    case 'department_staff':
      return [{ role: 'department_staff', departmentId: context.responsibleDepartmentId }];
    case 'verifier':
      return leadOffices.map((departmentId) => ({ role: 'verifier', departmentId }));
    case 'discipline_office':
      return [{ role: 'discipline_office', departmentId: null }];
    case 'round_lead':
      return [{ role: 'round_lead', departmentId: null, userId: context.roundLeadId }];
  }
}

/** Whether a webhook endpoint for `departmentId` and `role` (either may be open) takes a notice for these groups. */
export function endpointTakes(endpoint: { departmentId: string | null; role: Role | null }, addressees: Addressee[]): boolean {
  return addressees.some(
    (a) => (endpoint.role === null || endpoint.role === a.role) && (endpoint.departmentId === null || endpoint.departmentId === a.departmentId),
  );
}
