import createClient from 'openapi-fetch';
import type { components, paths } from '../../web/src/api/schema';
import { rememberHospitalZone } from './time';

export type Schemas = components['schemas'];
export type Me = Schemas['MeDto'];
type Tokens = Schemas['TokensDto'];

/**
 * The access token lives in memory; the refresh token in this tab's session storage, so a reload keeps
 * the person signed in and closing the browser on an office's shared computer ends the session.
 */
const REFRESH_TOKEN = 'console.refreshToken';
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;

function keep(tokens: Tokens): void {
  accessToken = tokens.accessToken;
  sessionStorage.setItem(REFRESH_TOKEN, tokens.refreshToken);
}

export function forgetSession(): void {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_TOKEN);
}

/** Trades the kept refresh token for new tokens (each may be used once); false when there is none or it is refused. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_TOKEN);
    if (!refreshToken) return false;
    const response = await fetch('/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
    if (!response.ok) {
      if (response.status === 401) forgetSession();
      return false;
    }
    keep((await response.json()) as Tokens);
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

/** fetch with the access token, refreshed once when the service says it has expired. */
export async function authFetch(input: Request): Promise<Response> {
  if (!accessToken) await refresh();
  const send = () => {
    const request = input.clone();
    if (accessToken) request.headers.set('authorization', `Bearer ${accessToken}`);
    return fetch(request);
  };
  const response = await send();
  if (response.status !== 401 || !(await refresh())) return response;
  return send();
}

/** The service's API, typed from its OpenAPI document (the tablet app's generated schema). */
export const api = createClient<paths>({ baseUrl: location.origin, fetch: authFetch });

/** The error body every refusal shares; a 400 names each field and why. */
export interface ApiError {
  statusCode?: number;
  message?: string;
  /** A 400's fields and reasons; a 409 of the workflow says the state and the events possible now. */
  details?: { field: string; reason: string }[] | { state?: unknown; availableEvents?: string[] };
}

/** The answer's data, or the refusal thrown as an ApiError. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw { statusCode: response.status, ...(error as object) } as ApiError;
  return data as T;
}

/** Signs in; the answer says whether the password must be changed first (GET /me tells the rest). */
export async function signIn(username: string, password: string): Promise<Me> {
  keep(await ok(api.POST('/auth/login', { body: { username, password } })));
  return currentUser();
}

/** The signed-in account; its hospital's time zone is remembered for every time shown. */
export const currentUser = () =>
  ok(api.GET('/me')).then((me) => {
    rememberHospitalZone(me.timeZone);
    return me;
  });

/** The account kept in this tab, when its session is still good. */
export async function resumeSession(): Promise<Me | null> {
  if (!sessionStorage.getItem(REFRESH_TOKEN) || !(await refresh())) return null;
  return currentUser().catch(() => null);
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<Me> {
  keep(await ok(api.POST('/me/password', { body: { currentPassword, newPassword } })));
  return currentUser();
}

export async function signOut(): Promise<void> {
  await api.POST('/auth/logout').catch(() => undefined);
  forgetSession();
}
