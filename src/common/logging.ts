import type { LoggerService } from '@nestjs/common';
import pino, { Logger, Level } from 'pino';

/**
 * One pino logger for the whole service. Fastify logs each request with it (a child per request
 * carrying `reqId`); Nest's own messages go through NestPinoLogger. A per-request logging
 * middleware (pino-http) cost a tenth of a transition, so Fastify's built-in logging serves instead.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers.authorization'],
    // Readable lines for a person at a terminal; JSON lines for log collectors.
    transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  });
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
