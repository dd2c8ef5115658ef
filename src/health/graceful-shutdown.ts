import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import cluster from 'node:cluster';
import net from 'node:net';
import { onShutDownRequest } from '../cluster/worker';
import { AppConfig } from '../config/app-config';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/**
 * How long kept-alive connections are left open after the signal: a request a client sent on one
 * just then is read and answered (with `Connection: close`). After it, connections that fell idle
 * are closed every REAP_IDLE_EVERY_MS.
 */
const SETTLE_MS = 1000;
const REAP_IDLE_EVERY_MS = 250;

/**
 * Stops the service without dropping work. On SIGTERM (or SIGINT): readiness turns 503 at once, so
 * a load balancer sends no more; the server stops accepting connections and lets requests in flight
 * finish, for SHUTDOWN_GRACE_MS at most (then their connections are closed); the application then
 * closes, which lets each scheduler finish the batch it is on, and closes the database last.
 */
@Injectable()
export class GracefulShutdown implements OnModuleInit {
  private readonly logger = new Logger(GracefulShutdown.name);
  private closing?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** Answers finished while shutting down close their connection, so the client opens its next one elsewhere. */
  onModuleInit(): void {
    this.adapter.httpAdapter.getInstance<FastifyInstance>().addHook('onSend', async (_request, reply, payload) => {
      if (this.shuttingDown) reply.header('connection', 'close');
      return payload;
    });
  }

  get shuttingDown(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Closes `app` gracefully on SIGTERM or SIGINT, or in a worker when the primary says so, then ends
   * the process (0 when everything closed). Once it is closing, a signal ends the process at once.
   */
  closeOnSignals(app: NestFastifyApplication): void {
    const stop = (reason: string) => {
      if (this.shuttingDown) return;
      for (const signal of SIGNALS) process.removeListener(signal, stop);
      this.logger.log(`${reason}: finishing requests in flight (at most ${this.config.SHUTDOWN_GRACE_MS} ms), then stopping`);
      void this.close(app).then(
        () => process.exit(0),
        (error: unknown) => {
          this.logger.error(`Stopping failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          process.exit(1);
        },
      );
    };
    for (const signal of SIGNALS) process.on(signal, stop);
    if (cluster.isWorker) onShutDownRequest(() => stop('Asked by the primary'));
  }

  /** Closes `app` as a signal would; a second call waits for the first. */
  close(app: NestFastifyApplication): Promise<void> {
    this.closing ??= this.drainThenClose(app);
    return this.closing;
  }

  private async drainThenClose(app: NestFastifyApplication): Promise<void> {
    const server = app.getHttpAdapter().getInstance().server;
    // Stop listening, leaving open connections be. http.Server.close would also drop every kept-alive
    // connection between two requests at once, and with it a request the client had just sent on one
    // and the server not yet read: the client would see a reset. The callback comes once every
    // connection has ended.
    const connectionsEnded = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    // Answers now close their connections (onSend above); connections still idle after a moment are closed.
    let reaper: NodeJS.Timeout | undefined;
    const settled = setTimeout(() => (reaper = setInterval(() => server.closeIdleConnections(), REAP_IDLE_EVERY_MS)), SETTLE_MS);
    let graceOver: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      connectionsEnded.then(() => true),
      new Promise<false>((resolve) => (graceOver = setTimeout(() => resolve(false), this.config.SHUTDOWN_GRACE_MS))),
    ]);
    for (const timer of [settled, graceOver, reaper]) clearTimeout(timer);
    if (!drained) {
      this.logger.warn(`Requests still in flight after ${this.config.SHUTDOWN_GRACE_MS} ms: closing their connections`);
      server.closeAllConnections();
    }
    await app.close();
  }
}
