import createClient from 'openapi-fetch';
import { Schemas, Session, StoredPhoto, db } from '../db';
import { API_CACHE } from './cache-name';
import type { paths } from './schema';

/**
 * The bearer token in memory, with whose it is: a person's short-lived access token (the refresh token
 * and the user are on the device), or an enrolled tablet's device token, kept on the device as it is.
 */
let access: { token: string; userId: string; device: boolean } | null = null;
let refreshing: Promise<boolean> | null = null;

/** Why the device holds no session any more, for the sign-in screen to say. */
export type SessionEnd = { reason: 'enrolmentRefused' | 'enrolmentUnreachable' | 'notATabletToken'; detail?: string };

const listeners = new Set<(session: Session | null, ended?: SessionEnd) => void>();

export const onSessionChange = (listener: (session: Session | null, ended?: SessionEnd) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/**
 * The service worker's cached answers are the signed-in person's: they go when a session ends and
 * again when the next starts (taking any answer that was still on its way), so a tablet passed to a
 * colleague never shows them.
 */
const forgetAnswers = () => caches.delete(API_CACHE).catch(() => undefined);

async function hold(session: Session): Promise<void> {
  await (await db).put('session', session, 'current');
  await forgetAnswers();
  listeners.forEach((listener) => listener(session));
}

export async function startSession(tokens: { accessToken: string; refreshToken: string; user: Session['user'] }): Promise<void> {
  access = { token: tokens.accessToken, userId: tokens.user.id, device: false };
  await hold({ refreshToken: tokens.refreshToken, user: tokens.user });
}

export async function endSession(ended?: SessionEnd): Promise<void> {
  access = null;
  await (await db).delete('session', 'current');
  await forgetAnswers();
  listeners.forEach((listener) => listener(null, ended));
}

export const savedSession = async () => (await (await db).get('session', 'current')) ?? null;

/** A device token as the console issues it (see DEVICE_TOKEN_PREFIX in the service). */
const DEVICE_TOKEN = /^trd_[A-Za-z0-9_-]+$/;

/**
 * What an enrolment QR code or a pasted text holds: the enrolment link (`…/app/#enrol=<token>`), or the
 * bare token that codes printed before the link held. Null when it is neither.
 */
export function enrolmentToken(text: string): string | null {
  const trimmed = text.trim();
  const fragment = trimmed.indexOf('#');
  const token = fragment < 0 ? trimmed : new URLSearchParams(trimmed.slice(fragment + 1)).get('enrol')?.trim() ?? '';
  return DEVICE_TOKEN.test(token) ? token : null;
}

/**
 * The token of an enrolment link the app was opened with (or, already open, sent to), taken out of the address at once: it stays
 * out of the history, bookmarks and anything that shows the address. Null when there is none.
 */
export function takeEnrolmentLink(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get('enrol');
  if (token === null) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  // The screen shown is read from the address (route.ts): it reads it again, now without the link.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  return token;
}

/**
 * Enrols this device as the tablet whose token it is given: the service says whom it acts as (GET /me),
 * and the token becomes the bearer of every request. `confirm`, when given, is asked first with that
 * inspector and the session the device holds now; false enrols nothing. A person signed in here is
 * signed out (their queue stays parked on the device, as at any sign-out). Answers why not, when the
 * token is refused.
 */
export async function enrol(text: string, confirm?: (inspector: Schemas['MeDto'], held: Session | null) => Promise<boolean>): Promise<SessionEnd | null> {
  const token = enrolmentToken(text);
  if (!token) return { reason: 'notATabletToken' };
  // `/me` is never kept by the service worker (vite.config.ts): this answer is the service's, for this token.
  const response = await fetch('/me', { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (!response) return { reason: 'enrolmentUnreachable' };
  if (!response.ok) return { reason: response.status === 401 ? 'enrolmentRefused' : 'enrolmentUnreachable', detail: await messageOf(response) };
  const user = (await response.json()) as Schemas['MeDto'];
  if (!user.deviceId) return { reason: 'notATabletToken' };
  const previous = await savedSession();
  if (confirm && !(await confirm(user, previous ?? null))) return null;
  if (previous?.refreshToken) await api.POST('/auth/logout').catch(() => undefined);
  access = { token, userId: user.id, device: true };
  await hold({ deviceToken: token, user });
  return null;
}

const messageOf = async (response: Response): Promise<string> => ((await response.json().catch(() => ({}))) as { message?: string }).message ?? `${response.status}`;

/** Takes up the session held on the device: a tablet's token as it is, a person's by a refresh. */
async function resume(): Promise<void> {
  const session = await savedSession();
  if (session?.deviceToken) access = { token: session.deviceToken, userId: session.user.id, device: true };
  else await refresh();
}

/** Trades the stored refresh token for new tokens; a refused one ends the session. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const session = await savedSession();
    if (!session?.refreshToken) return false;
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
    access = { token: tokens.accessToken, userId: session.user.id, device: false };
    await (await db).put('session', { ...session, refreshToken: tokens.refreshToken }, 'current');
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

/** A tablet's token refused (revoked, or its inspector disabled or no longer one): the enrolment goes, saying why. */
async function dropEnrolment(token: string, response: Response): Promise<void> {
  // Enrolled again, or someone signed in, meanwhile: that session stays.
  if ((await savedSession())?.deviceToken !== token) return;
  await endSession({ reason: 'enrolmentRefused', detail: await messageOf(response.clone()) });
}

/** Thrown instead of sending a request on behalf of someone whose session the device does not hold now. */
class NotTheirSession extends Error {}

/**
 * fetch with the bearer token; a person's is refreshed once when the server says it has expired. Given
 * `userId`, the request goes only with that person's token (theirs or their tablet's): the outbox never
 * sends one person's item as another.
 */
export async function authFetch(input: Request, userId?: string): Promise<Response> {
  if (!access) await resume();
  const send = () => {
    if (userId !== undefined && access?.userId !== userId) throw new NotTheirSession(`not sent: the session on this device is not ${userId}'s`);
    const request = input.clone();
    if (access) request.headers.set('authorization', `Bearer ${access.token}`);
    return fetch(request);
  };
  const sentWith = access;
  const response = await send();
  if (response.status !== 401) return response;
  // A tablet's token has no refresh: refused once, it is refused for good.
  if (sentWith?.device) {
    await dropEnrolment(sentWith.token, response);
    return response;
  }
  if (!(await refresh())) return response;
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
