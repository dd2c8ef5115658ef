import { DBSchema, openDB } from 'idb';
import { API_CACHE } from './api/cache-name';
import type { components, paths } from './api/schema';

export type Schemas = components['schemas'];
export type FindingEventBody = paths['/findings/{id}/events']['post']['requestBody']['content']['application/json'];
export type RoundEventBody = paths['/rounds/{id}/events']['post']['requestBody']['content']['application/json'];

/** A photo taken on the device, downscaled, kept until it is uploaded. */
export interface StoredPhoto {
  blob: Blob;
  name: string;
  /** The calendar day it was taken (EXIF, else the file's time): the evidence date. */
  takenOn: string;
  /** Its attachment id once uploaded, so a retried sync never uploads it twice. */
  attachmentId?: string;
}

/** What was done on the device and waits to be sent: a logged finding, a checklist item's result, or an action on a round or a finding. */
export type OutboxItem = {
  /** The client UUID: the Idempotency-Key of its request, and a logged finding's id. */
  id: string;
  /**
   * The user who made it: it is shown to them only and sent only under their session. Absent on items
   * saved before the app recorded it, which are shown to nobody and never sent: they could be anyone's.
   */
  makerId?: string;
  label: string;
  createdAt: string;
  photos: StoredPhoto[];
  state: 'pending' | 'refused';
  /** The server's reason for a refusal. */
  error?: string;
} & (
  | { kind: 'finding'; roundId: string; body: Schemas['LogFindingDto'] }
  | { kind: 'result'; roundId: string; itemCode: string; body: Schemas['RecordResultDto'] }
  | { kind: 'roundEvent'; roundId: string; body: RoundEventBody }
  /** Sent with If-Match: the version the user saw when deciding, so a finding changed meanwhile refuses it. */
  | { kind: 'findingEvent'; findingId: string; version: number; body: FindingEventBody }
);

/**
 * Who the device works as: a person signed in (a refresh token), or an enrolled tablet (its long-lived
 * device token, acting as its inspector; it is never refreshed).
 */
export type Session = { user: Schemas['UserDto'] } & ({ refreshToken: string; deviceToken?: never } | { deviceToken: string; refreshToken?: never });

interface AppDb extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { byMaker: string } };
  session: { key: 'current'; value: Session };
}

export const db = openDB<AppDb>('triple-round', 2, {
  upgrade(database, oldVersion, _newVersion, transaction) {
    if (oldVersion < 1) {
      database.createObjectStore('outbox', { keyPath: 'id' });
      database.createObjectStore('session');
    }
    if (oldVersion < 2) {
      // An item without a maker is in no entry of the index: no one's list has it.
      transaction.objectStore('outbox').createIndex('byMaker', 'makerId');
      // Answers cached before then may be an earlier user's.
      if (oldVersion === 1) void caches.delete(API_CACHE).catch(() => undefined);
    }
  },
});
