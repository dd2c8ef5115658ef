import createClient from 'openapi-fetch';
import { Session, StoredPhoto, db } from '../db';
import type { paths } from './schema';

/** The short-lived access token lives in memory only; the refresh token and the user on the device. */
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(session: Session | null) => void>();

export const onSessionChange = (listener: (session: Session | null) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export async function startSession(tokens: { accessToken: string; refreshToken: string; user: Session['user'] }): Promise<void> {
  accessToken = tokens.accessToken;
  const session = { refreshToken: tokens.refreshToken, user: tokens.user };
  await (await db).put('session', session, 'current');
  listeners.forEach((listener) => listener(session));
}

export async function endSession(): Promise<void> {
  accessToken = null;
  await (await db).delete('session', 'current');
  listeners.forEach((listener) => listener(null));
}

export const savedSession = async () => (await (await db).get('session', 'current')) ?? null;

/** Trades the stored refresh token for new tokens; a refused one ends the session. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const session = await savedSession();
    if (!session) return false;
    // No network: the request goes out without a token, for the service worker's cached answer.
    const response = await fetch('/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    }).catch(() => null);
    if (!response) return false;
    if (response.status === 401) {
      await endSession();
      return false;
    }
    if (!response.ok) return false;
    const tokens = (await response.json()) as { accessToken: string; refreshToken: string };
    accessToken = tokens.accessToken;
    await (await db).put('session', { ...session, refreshToken: tokens.refreshToken }, 'current');
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

/** fetch with the access token, refreshed once when the server says it has expired. */
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

/** The service's API, typed from its own OpenAPI document (`npm run api:types`). */
export const api = createClient<paths>({ baseUrl: location.origin, fetch: authFetch });

/** Uploads a file taken on the device, dated the day it was taken; the key makes a retry safe. */
export function uploadAttachment(file: StoredPhoto, idempotencyKey: string) {
  const form = new FormData();
  form.append('effectiveDate', file.takenOn);
  form.append('file', file.blob, file.name);
  return api.POST('/attachments', {
    body: form as never,
    bodySerializer: (body) => body as unknown as FormData,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

/** An error answer's message (a 400's names each field and why). */
export const reasonOf = (error: unknown): string => (error as { message?: string } | undefined)?.message ?? String(error);
