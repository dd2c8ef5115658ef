import { KeyObject, createHmac, createSecretKey, hkdfSync } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-writer';
import type { RequestContext } from '../common/request-context';
import { AuthUser, primaryRole } from './auth-user';

/** Security events, written to the same audit log as transitions. */
export type SecurityEvent =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'LOGIN_LOCKED_OUT'
  | 'LOGOUT'
  | 'SESSION_REVOKED'
  | 'USER_CREATED'
  | 'USER_UPDATED'
  /** A person's contacts changed: the entry names the fields, never their values (the discipline office reads the log too). */
  | 'CONTACT_CHANGED'
  | 'ROLES_CHANGED'
  | 'USER_DISABLED'
  | 'USER_ENABLED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_CHANGED'
  | 'DEVICE_REGISTERED'
  | 'DEVICE_REVOKED'
  /** A department made a round type's lead office: its verifiers verify that type's findings. */
  | 'LEAD_OFFICE_SET'
  /** The separation of duties set aside for one finding's closure audit (ALLOW_SELF_AUDIT). */
  | 'SELF_AUDIT_ALLOWED'
  | DataAccessEvent;

/** Who took what (entity type `data_access`): a file exported, a notice or a case file read. */
export type DataAccessEvent = 'LEDGER_EXPORTED' | 'MONTHLY_EXPORTED' | 'ANNUAL_EXPORTED' | 'COVERAGE_EXPORTED' | 'NOTICE_READ' | 'CASE_FILE_READ';

/** Who caused a security event, and from where. */
export interface SecurityActor {
  id: string | null;
  role: string;
  address?: string;
}

/** A signed-in caller. */
export const signedIn = (auth: AuthUser): SecurityActor => ({ id: auth.id, role: primaryRole(auth), address: auth.request.address });

/** A user proving who it is on this request (a login, a password change). */
export const account = (user: { id: string } & Pick<AuthUser, 'roles'>, client: RequestContext): SecurityActor => ({
  id: user.id,
  role: primaryRole(user),
  address: client.address,
});

/** A client that is not signed in (yet): a login attempt, or a refresh token presented. */
export const anonymous = (client: RequestContext): SecurityActor => ({ id: null, role: 'anonymous', address: client.address });

/** The service acting on its own, e.g. creating the first account. */
export const SERVICE: SecurityActor = { id: null, role: 'system' };

/**
 * The name typed at a failed login, as a security event keeps it: in clear only when it is an
 * account's; otherwise only its HMAC, since it may be a password typed into the wrong box. The same
 * name gives the same HMAC while the key stays, so repeated tries with it still show.
 */
export const typedUsername = (username: string, isAccount: boolean, key: KeyObject): { username: string } | { usernameHmac: string } =>
  isAccount ? { username } : { usernameHmac: createHmac('sha256', key).update(username).digest('hex') };

/** The key for typedUsername's HMAC, derived from the service's secret (and changing with it). */
export const usernameHmacKey = (secret: string): KeyObject =>
  createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', 'security events: login usernames that are no account', 32)));

/** Appends one security event in the unit of work `manager` belongs to. */
export function recordSecurityEvent(
  manager: EntityManager,
  event: {
    at: Date;
    type: SecurityEvent;
    actor: SecurityActor;
    entityType: 'user' | 'device' | 'department' | 'finding' | 'data_access';
    entityId: string | null;
    payload?: Record<string, unknown>;
  },
): void {
  const { actor } = event;
  appendAudit(manager, {
    at: event.at,
    actorId: actor.id,
    actorRole: actor.role,
    entityType: event.entityType,
    entityId: event.entityId,
    event: event.type,
    payload: { ...event.payload, ...(actor.address === undefined ? {} : { address: actor.address }) },
  });
}
