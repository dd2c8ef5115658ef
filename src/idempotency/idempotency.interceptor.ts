import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { Observable, catchError, of, throwError } from 'rxjs';
import stringify from 'safe-stable-stringify';
import { InvalidInputException } from '../common/api-error';
import { currentRequest } from '../common/request-context';
import type { AuthUser } from '../identity/auth-user';
import { IdempotentReplay } from './idempotency.store';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Makes an authenticated POST with `Idempotency-Key` safe to retry: the first answer is stored with
 * the effect (see Database.write) and replayed for the same key and body; another body gets 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: AuthUser }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.auth) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new InvalidInputException([{ field: 'Idempotency-Key', reason: 'must be 1-255 visible ASCII characters' }]);
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${stringify(request.body ?? null)}`)
      .digest('hex');
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    const requestContext = currentRequest();
    if (requestContext) requestContext.idempotency = { userId: request.auth.id, key, requestHash, status };

    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof IdempotentReplay)) return throwError(() => error);
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        void reply.status(error.status).header('Idempotent-Replayed', 'true');
        return of(error.body);
      }),
    );
  }
}
