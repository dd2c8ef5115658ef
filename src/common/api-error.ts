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
