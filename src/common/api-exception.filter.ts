import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiErrorBody, IdempotentReplay, TooManyRequestsException, errorName, httpErrorBody } from './api-error';

/** Maps every error, once, to `{ statusCode, error, message, details? }`; a replay to its stored answer. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof IdempotentReplay) {
      void reply.status(exception.status).header('Idempotent-Replayed', 'true').send(exception.body);
      return;
    }
    const body = this.toBody(exception);
    // A 503 is a health check's answer (not ready, shutting down), asked every few seconds: no fault of its own.
    if (body.statusCode >= 500 && !(exception instanceof ServiceUnavailableException)) this.logger.error(exception instanceof Error ? exception.stack : exception);
    if (exception instanceof TooManyRequestsException) void reply.header('Retry-After', String(exception.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof HttpException) return httpErrorBody(exception);
    // Errors raised by Fastify itself (malformed JSON, body too large, wrong content type) carry a 4xx statusCode.
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: errorName(status), message: (exception as Error).message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: errorName(HttpStatus.INTERNAL_SERVER_ERROR),
      message: exception instanceof Error && exception.name === 'UnknownWorkflowError' ? exception.message : 'Internal server error',
    };
  }
}
