import type { Actor, Role, RoundType } from '../../workflows';

/** The caller, as established by the auth guard for this request. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  departmentId: string | null;
  leadOfficeFor: RoundType[];
}

export const toActor = (auth: AuthUser): Actor => ({
  id: auth.id,
  roles: auth.roles,
  departmentId: auth.departmentId,
  leadOfficeFor: auth.leadOfficeFor,
});
