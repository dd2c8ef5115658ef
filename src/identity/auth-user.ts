import type { Actor, Role, RoundType } from '../../workflows';
import type { RequestContext } from '../common/request-context';

/** How the caller proved who it is: a person's sign-in session, or a registered tablet's token. */
export type Credential = { kind: 'session'; sessionId: string } | { kind: 'device'; deviceId: string };

/** The caller, as established by the auth guard for this request. */
export interface AuthUser {
  id: string;
  username: string;
  /** On a tablet, only `inspector`, whatever else its user may do. */
  roles: Role[];
  departmentId: string | null;
  leadOfficeFor: RoundType[];
  credential: Credential;
  /** The request this caller is making, for the unit of work it asks for. */
  request: RequestContext;
}

export const toActor = (auth: AuthUser): Actor => ({
  id: auth.id,
  roles: auth.roles,
  departmentId: auth.departmentId,
  leadOfficeFor: auth.leadOfficeFor,
});

/** The role recorded on a security event the caller causes. */
export const primaryRole = (auth: Pick<AuthUser, 'roles'>): string => auth.roles[0] ?? 'anonymous';
