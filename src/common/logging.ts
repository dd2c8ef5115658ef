import type { LoggerService } from '@nestjs/common';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { Logger, Level } from 'pino';

/**
 * One pino logger for the whole service. Fastify gives each request a child carrying `reqId`, which
 * `RequestLog` writes once; Nest's own messages go through NestPinoLogger. A per-request logging
 * middleware (pino-http) cost a tenth of a transition, so a Fastify hook serves instead.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers.authorization'],
    // Readable lines for a person at a terminal; JSON lines for log collectors.
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  });
}

/**
 * Fastify's request logging, as one line per request once it is answered: request id, who asked
 * (when signed in), method, the route's pattern (`/findings/:id`, never the address with its query),
 * status and milliseconds. Bodies and headers are never logged, so no password, token or file
 * content can be.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest & { auth?: { id: string } }, reply: FastifyReply): void {
    const line = {
      userId: request.auth?.id ?? null,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) request.log.error({ ...line, err: error }, 'request');
    else request.log.info(line, 'request');
  }
}

/** Nest's LoggerService over pino: Nest passes the context (the class name) as the last argument. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields = { context, ...(rest.length > 0 ? { details: rest } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
