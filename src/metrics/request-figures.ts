import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Metrics } from './metrics';

/** Times every HTTP request under its route's pattern (`/findings/:id`), never the address asked for. */
@Injectable()
export class RequestFigures implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly adapter: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const server = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    const worker = { pid: String(process.pid) };
    server.addHook('onResponse', (request, reply, done) => {
      // No route matched (a 404): one label for all such, whatever was asked.
      const route = request.routeOptions.url ?? 'unmatched';
      this.metrics.requests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      this.metrics.workerRequests.inc(worker);
      done();
    });
  }
}
