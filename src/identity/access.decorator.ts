import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { USER_ROLES, type Role } from '../../workflows';
import type { AuthUser } from './auth-user';

const ACCESS_METADATA = 'access';

/** Settings holding a bearer token that opens a route to machines, not people. */
export type TokenSetting = 'METRICS_TOKEN';

export type RouteAccess =
  /**
   * `token`: open to whoever presents the token the setting holds; while the setting is unset
   * the route answers 404, as if it did not exist.
   */
  | { public: true; token?: TokenSetting }
  /**
   * `ownAccount`: a person's own account (contacts, notification settings): closed to tablets.
   * `selfService`: an own-account route that is also the way out of a reset password (logout,
   * password): open to a user whose password was reset and not yet changed.
   */
  | { public: false; roles: readonly Role[]; ownAccount?: boolean; selfService?: boolean };

/** Who may call a route. Every route declares it; the global guard refuses routes that do not. */
export const Allow = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { public: false, roles } satisfies RouteAccess);

/** Any signed-in user, whatever their role. */
export const AllowAnyUser = () => Allow(...USER_ROLES);

/** Any signed-in user with work to write: every role but the hospital's leadership, which only reads. */
export const AllowAnyWriter = () => Allow(...USER_ROLES.filter((role) => role !== 'leadership'));

/** Any person signed in, about their own account; no tablet. */
export const AllowOwnAccount = () => SetMetadata(ACCESS_METADATA, { public: false, roles: USER_ROLES, ownAccount: true } satisfies RouteAccess);

/** Any person signed in, even one that must change a reset password first (the way out of that state); no tablet. */
export const AllowSelfService = () =>
  SetMetadata(ACCESS_METADATA, { public: false, roles: USER_ROLES, ownAccount: true, selfService: true } satisfies RouteAccess);

export const Public = () => SetMetadata(ACCESS_METADATA, { public: true } satisfies RouteAccess);

/** No account: the caller presents the bearer token `setting` holds (a monitoring system's scraper, say). */
export const AllowToken = (setting: TokenSetting) => SetMetadata(ACCESS_METADATA, { public: true, token: setting } satisfies RouteAccess);

/** The access a route declares (on the handler, else its controller). */
export const routeAccess = (reflector: Reflector, context: ExecutionContext): RouteAccess | undefined =>
  reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);

/** The caller; only on routes that are not public. */
export const Auth = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser => context.switchToHttp().getRequest<{ auth: AuthUser }>().auth,
);
