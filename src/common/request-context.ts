/** What one HTTP request carries to the unit of work it asks for (see Database.write). */
export interface RequestContext {
  /** The client's X-Request-Id, or one made for the request; written in every audit entry it causes. */
  requestId: string;
  idempotency?: IdempotencyClaim;
}

export interface IdempotencyClaim {
  userId: string;
  key: string;
  requestHash: string;
  /** The status a success of this route answers with, replayed on retries. */
  status: number;
}
