import { AsyncLocalStorage } from 'node:async_hooks';

/** What one HTTP request carries through the layers without threading it through every call. */
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

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it awaits) inside the request's context. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current request's context; undefined outside a request (start-up jobs, timers). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
