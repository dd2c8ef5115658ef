import { HttpException, HttpStatus } from '@nestjs/common';
import type { PayloadProblem } from '../../workflows';

/** The body of every error answer: `{ statusCode, error, message, details? }`. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

export class ApiException extends HttpException {
  constructor(status: HttpStatus, message: string, details?: unknown) {
    super({ statusCode: status, error: errorName(status), message, details } satisfies ApiErrorBody, status);
  }
}

/** 400 naming each field and what is wrong with it. */
export class InvalidInputException extends ApiException {
  constructor(problems: PayloadProblem[]) {
    super(HttpStatus.BAD_REQUEST, problems.map((p) => `${p.field} ${p.reason}`).join('; '), problems);
  }
}

/** 429, with how long to wait, which the filter sends as Retry-After. */
export class TooManyRequestsException extends ApiException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpStatus.TOO_MANY_REQUESTS, message, { retryAfterSeconds });
  }
}

/** The answer an HttpException makes, Nest's own (a bare NotFoundException) as well as the service's. */
export function httpErrorBody(exception: HttpException): ApiErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'statusCode' in response && 'error' in response) {
    const { statusCode, error, message, details } = response as ApiErrorBody & { message: string | string[] };
    return { statusCode, error, message: Array.isArray(message) ? message.join('; ') : message, details };
  }
  return { statusCode: status, error: errorName(status), message: typeof response === 'string' ? response : exception.message };
}

export function errorName(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

/** Thrown to answer a retried request with the answer it was given first; ApiExceptionFilter sends it. */
export class IdempotentReplay extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('Idempotent replay');
  }
}
