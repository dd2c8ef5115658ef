import createClient from 'openapi-fetch';
import { Session, StoredPhoto, db } from '../db';
import { API_CACHE } from './cache-name';
import type { paths } from './schema';

/** The short-lived access token lives in memory only, with whose it is; the refresh token and the user on the device. */
let access: { token: string; userId: string } | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(session: Session | null) => void>();

export const onSessionChange = (listener: (session: Session | null) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/**
 * The service worker's cached answers are the signed-in person's: they go when a session ends and
 * again when the next starts (taking any answer that was still on its way), so a tablet passed to a
 * colleague never shows them.
 */
const forgetAnswers = () => caches.delete(API_CACHE).catch(() => undefined);

export async function startSession(tokens: { accessToken: string; refreshToken: string; user: Session['user'] }): Promise<void> {
  access = { token: tokens.accessToken, userId: tokens.user.id };
  const session = { refreshToken: tokens.refreshToken, user: tokens.user };
  await (await db).put('session', session, 'current');
  await forgetAnswers();
  listeners.forEach((listener) => listener(session));
}

export async function endSession(): Promise<void> {
  access = null;
  await (await db).delete('session', 'current');
  await forgetAnswers();
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
    // Someone signed in or out meanwhile: this answer is for a session the device no longer holds.
    if (!response || (await savedSession())?.refreshToken !== session.refreshToken) return false;
    if (response.status === 401) {
      await endSession();
      return false;
    }
    if (!response.ok) return false;
    const tokens = (await response.json()) as { accessToken: string; refreshToken: string };
    access = { token: tokens.accessToken, userId: session.user.id };
    await (await db).put('session', { ...session, refreshToken: tokens.refreshToken }, 'current');
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

/** Thrown instead of sending a request on behalf of someone whose session the device does not hold now. */
class NotTheirSession extends Error {}

/**
 * fetch with the access token, refreshed once when the server says it has expired. Given `userId`,
 * the request goes only with that person's token: the outbox never sends one person's item as another.
 */
export async function authFetch(input: Request, userId?: string): Promise<Response> {
  if (!access) await refresh();
  const send = () => {
    if (userId !== undefined && access?.userId !== userId) throw new NotTheirSession(`not sent: the session on this device is not ${userId}'s`);
    const request = input.clone();
    if (access) request.headers.set('authorization', `Bearer ${access.token}`);
    return fetch(request);
  };
  const response = await send();
  if (response.status !== 401 || !(await refresh())) return response;
  return send();
}

const client = (fetch: (request: Request) => Promise<Response>) => createClient<paths>({ baseUrl: location.origin, fetch });

/** The service's API, typed from its own OpenAPI document (`npm run api:types`), as whoever is signed in. */
export const api = client((request) => authFetch(request));
export type Api = typeof api;

/** The API as one person only: with anyone else signed in, its requests fail without being sent. */
export const apiAs = (userId: string): Api => client((request) => authFetch(request, userId));

/** Uploads a file taken on the device, dated the day it was taken; the key makes a retry safe. */
export function uploadAttachment(as: Api, file: StoredPhoto, idempotencyKey: string) {
  const form = new FormData();
  form.append('effectiveDate', file.takenOn);
  form.append('file', file.blob, file.name);
  return as.POST('/attachments', {
    body: form as never,
    bodySerializer: (body) => body as unknown as FormData,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

/** An error answer's message (a 400's names each field and why). */
export const reasonOf = (error: unknown): string => (error as { message?: string } | undefined)?.message ?? String(error);
