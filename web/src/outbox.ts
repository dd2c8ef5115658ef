import { useEffect, useState } from 'react';
import { Api, apiAs, onSessionChange, reasonOf, savedSession, uploadAttachment } from './api/client';
import { OutboxItem, db } from './db';

const changed = new EventTarget();
const announce = () => changed.dispatchEvent(new Event('change'));

/** An item as captured: the outbox adds its maker, state and time. */
export type Captured = OutboxItem extends infer Item ? (Item extends OutboxItem ? Omit<Item, 'makerId' | 'state' | 'createdAt'> : never) : never;

/** Keeps the item on the device, as the signed-in person's, and starts sending it. */
export async function enqueue(item: Captured): Promise<void> {
  const session = await savedSession();
  if (!session) throw new Error('Nobody is signed in to make this');
  await (await db).put('outbox', { ...item, makerId: session.user.id, state: 'pending', createdAt: new Date().toISOString() } as OutboxItem);
  announce();
  void sync();
}

/** One person's items, in the order they were made. */
const itemsOf = async (userId: string) => (await (await db).getAllFromIndex('outbox', 'byMaker', userId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));

/** The signed-in person's items; everyone else's stay parked, unseen, until they sign in again. */
export async function outboxItems(): Promise<OutboxItem[]> {
  const session = await savedSession();
  return session ? itemsOf(session.user.id) : [];
}

/** How many items were saved before the app recorded who made them (see OutboxItem.makerId). */
export const unattributedCount = async () => (await (await db).getAll('outbox')).filter((item) => item.makerId === undefined).length;

export async function discard(id: string): Promise<void> {
  await (await db).delete('outbox', id);
  announce();
}

export async function retry(id: string): Promise<void> {
  const item = await (await db).get('outbox', id);
  if (item) await (await db).put('outbox', { ...item, state: 'pending', error: undefined });
  announce();
  void sync();
}

/** The outbox's items, kept current. */
export function useOutbox(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => {
    const load = () => void outboxItems().then(setItems);
    load();
    changed.addEventListener('change', load);
    return () => changed.removeEventListener('change', load);
  }, []);
  return items;
}

/** Raised when the network, not the server, failed: the item waits for the next attempt. */
class Unreachable extends Error {}
/** The server refused the item: it is kept, with the reason, for the user to see. */
class Refused extends Error {}

async function answered<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new Unreachable();
  }
  if (result.response.ok) return result.data as T;
  // Unauthenticated, throttled or the server failing: try again later rather than give up on it.
  if (result.response.status === 401 || result.response.status === 429 || result.response.status >= 500) throw new Unreachable();
  throw new Refused(`${result.response.status} ${reasonOf(result.error)}`);
}

/** Uploads the photos not yet uploaded, remembering each id on the stored item as it goes. */
async function upload(api: Api, item: OutboxItem): Promise<string[]> {
  for (const [index, photo] of item.photos.entries()) {
    if (photo.attachmentId) continue;
    const attachment = await answered(uploadAttachment(api, photo, `${item.id}-photo-${index}`));
    item.photos[index] = { ...photo, attachmentId: attachment.id };
    await (await db).put('outbox', item);
  }
  return item.photos.map((photo) => photo.attachmentId!);
}

async function send(api: Api, item: OutboxItem): Promise<void> {
  const attachmentIds = await upload(api, item);
  const headers = { 'Idempotency-Key': item.id };
  switch (item.kind) {
    case 'finding':
      await answered(api.POST('/rounds/{id}/findings', { params: { path: { id: item.roundId } }, body: { ...item.body, attachmentIds }, headers }));
      break;
    case 'result': {
      const body = item.body.raiseFinding ? { ...item.body, raiseFinding: { ...item.body.raiseFinding, attachmentIds } } : item.body;
      await answered(api.PUT('/rounds/{id}/results/{itemCode}', { params: { path: { id: item.roundId, itemCode: item.itemCode } }, body, headers }));
      break;
    }
    case 'roundEvent':
      await answered(api.POST('/rounds/{id}/events', { params: { path: { id: item.roundId } }, body: item.body, headers }));
      break;
    case 'findingEvent': {
      const body = attachmentIds.length > 0 ? { ...item.body, attachmentIds } : item.body;
      await answered(api.POST('/findings/{id}/events', { params: { path: { id: item.findingId } }, body, headers: { ...headers, 'If-Match': String(item.version) } }));
    }
  }
}

let syncing: Promise<void> | null = null;
/** Set when sync is asked for while one runs: what was added meanwhile, or the items of someone who signed in meanwhile, are sent by another pass. */
let asked = false;

/**
 * Sends the signed-in person's pending items in the order they were made, each only under that
 * person's session; stops at the first the network fails (or that finds someone else signed in).
 */
export function sync(): Promise<void> {
  asked = true;
  syncing ??= (async () => {
    while (asked) {
      asked = false;
      const session = await savedSession();
      if (!session) break;
      const api = apiAs(session.user.id);
      for (const item of await itemsOf(session.user.id)) {
        if (item.state !== 'pending') continue;
        try {
          await send(api, item);
          await (await db).delete('outbox', item.id);
        } catch (error) {
          if (error instanceof Unreachable) break;
          await (await db).put('outbox', { ...item, state: 'refused', error: error instanceof Refused ? error.message : String(error) });
        }
        announce();
      }
    }
  })().finally(() => {
    syncing = null;
    announce();
  });
  return syncing;
}

/** How long an action waits for the server's answer before it is left to the outbox. */
const ANSWER_WAIT_MS = 8_000;

export type Outcome = { outcome: 'sent' } | { outcome: 'queued' } | { outcome: 'refused'; reason: string };

/**
 * An action goes through the outbox like a capture, so it survives a dropped network; online, the user
 * waits for the answer. A refusal is handed back (and the item dropped) to be shown where it can be corrected.
 */
export async function submit(item: Captured): Promise<Outcome> {
  await enqueue(item);
  const timeout = new Promise<'waiting'>((resolve) => setTimeout(resolve, ANSWER_WAIT_MS, 'waiting'));
  const left = await Promise.race([sync().then(async () => (await db).get('outbox', item.id)), timeout]);
  if (left === undefined) return { outcome: 'sent' };
  if (left === 'waiting' || left.state === 'pending') return { outcome: 'queued' };
  await discard(item.id);
  return { outcome: 'refused', reason: left.error ?? '' };
}

// Whose items are shown changes with the session; a person signing in has their parked items sent.
onSessionChange((session) => {
  announce();
  if (session) void sync();
});
window.addEventListener('online', () => void sync());
setInterval(() => void sync(), 30_000);
