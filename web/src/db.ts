import { DBSchema, openDB } from 'idb';
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

export interface Session {
  refreshToken: string;
  user: Schemas['UserDto'];
}

interface AppDb extends DBSchema {
  outbox: { key: string; value: OutboxItem };
  session: { key: 'current'; value: Session };
}

export const db = openDB<AppDb>('triple-round', 1, {
  upgrade(database) {
    database.createObjectStore('outbox', { keyPath: 'id' });
    database.createObjectStore('session');
  },
});
