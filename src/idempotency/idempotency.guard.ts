import { CanActivate, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { InvalidInputException } from '../common/api-error';
import { routeAccess } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const ANSWERS_SECRET = 'answersSecret';

/**
 * The route's answer carries a credential (a tablet token, a temporary password, a token pair):
 * it is never stored for replay, so Idempotency-Key is ignored there. A retry repeats the effect,
 * which for these routes is harmless (a second reset, a second tablet the admin can revoke).
 */
export const AnswersSecret = () => SetMetadata(ANSWERS_SECRET, true);

/**
 * Makes an authenticated POST with `Idempotency-Key` safe to retry: it adds the request's claim to
 * the caller's request context, which the idempotency store's unit-of-work hook checks and stores
 * with the effect in one transaction; a retry with the same key and body is answered as the first was (ApiExceptionFilter
 * sends the stored answer), another body gets 422.
 *
 * A guard rather than an interceptor: as soon as one interceptor exists, Nest wraps every handler
 * in RxJS observables and AsyncResource.bind calls, about a tenth of a transition's cost. Runs
 * after AuthGuard (IdentityModule is imported first), since keys belong to the caller.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { auth?: AuthUser }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || routeAccess(this.reflector, context)?.public) return true;
    if (this.reflector.get<boolean | undefined>(ANSWERS_SECRET, context.getHandler())) return true;
    if (!request.auth) throw new Error('IdempotencyGuard ran before AuthGuard');
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new InvalidInputException([{ field: 'Idempotency-Key', reason: 'must be 1-255 visible ASCII characters' }]);
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${stringify(request.body ?? null)}`)
      .digest('hex');
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    request.auth.request.idempotency = { userId: request.auth.id, key, requestHash, status };
    return true;
  }
}
