import { DBSchema, openDB } from 'idb';
import type { components } from './api/schema';

export type Schemas = components['schemas'];

/** A photo taken on the device, downscaled, kept until it is uploaded. */
export interface StoredPhoto {
  blob: Blob;
  name: string;
  /** The calendar day it was taken (EXIF, else the file's time): the evidence date. */
  takenOn: string;
  /** Its attachment id once uploaded, so a retried sync never uploads it twice. */
  attachmentId?: string;
}

/** What was captured on the device and waits to be sent: a logged finding, or a checklist item's result. */
export type OutboxItem = {
  /** The client UUID: the finding's id, or the result's, and the Idempotency-Key of its request. */
  id: string;
  roundId: string;
  label: string;
  createdAt: string;
  photos: StoredPhoto[];
  state: 'pending' | 'refused';
  /** The server's reason for a refusal. */
  error?: string;
} & (
  | { kind: 'finding'; body: Schemas['LogFindingDto'] }
  | { kind: 'result'; itemCode: string; body: Schemas['RecordResultDto'] }
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
