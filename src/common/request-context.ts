/** What one HTTP request carries through the layers without threading it through every call. */
export const REQUEST_CONTEXT = 'request';

export interface IdempotencyClaim {
  userId: string;
  key: string;
  requestHash: string;
  /** The status a success of this route answers with, replayed on retries. */
  status: number;
}

export interface RequestContext {
  requestId: string;
  idempotency?: IdempotencyClaim;
}
