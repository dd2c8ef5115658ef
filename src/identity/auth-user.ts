import type { Actor, Role, RoundType } from '../../workflows';
import type { RequestContext } from '../common/request-context';

/** The caller, as established by the auth guard for this request. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  departmentId: string | null;
  leadOfficeFor: RoundType[];
  /** The request this caller is making, for the unit of work it asks for. */
  request: RequestContext;
}

export const toActor = (auth: AuthUser): Actor => ({
  id: auth.id,
  roles: auth.roles,
  departmentId: auth.departmentId,
  leadOfficeFor: auth.leadOfficeFor,
});
