import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** What one HTTP request carries to the unit of work it asks for (see Database.write). */
export interface RequestContext {
  /** The client's X-Request-Id if short and plain, or one made for the request; written in every audit entry it causes. */
  requestId: string;
  /** The client's address (behind a trusted proxy, the one it forwarded); recorded with security events. */
  address: string;
  idempotency?: IdempotencyClaim;
}

export interface IdempotencyClaim {
  userId: string;
  key: string;
  requestHash: string;
  /** The status a success of this route answers with, replayed on retries. */
  status: number;
}

export const requestContextOf = (request: FastifyRequest): RequestContext => ({
  requestId: request.id,
  address: request.ip,
});

/** The request's context, for public routes, which have no signed-in caller to carry it. */
export const ClientRequest = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestContext => requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
