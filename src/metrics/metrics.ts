import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Request durations, in seconds: from a cached read to a slow export. */
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Timers claimed by one scheduler batch: up to SCHEDULER_BATCH_SIZE (200 by default). */
const BATCH_SIZES = [0, 1, 5, 10, 25, 50, 100, 200, 500];
/** How late a timer fires after it fell due, in seconds: one polling interval normally, more after downtime. */
const LAG_SECONDS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600];

/**
 * The service's figures for Prometheus. Each application has a registry of its own (tests start
 * several in one process). Every label takes its values from a closed set the code names (route
 * patterns, machines, events, reasons), never from what a client sent.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: REQUEST_SECONDS,
    registers: [this.registry],
  });

  readonly transitions = new Counter({
    name: 'workflow_transitions_total',
    help: 'Events applied by the workflow engine, by machine and event (counted when applied, before the unit of work commits)',
    labelNames: ['machine', 'event'] as const,
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: 'workflow_refused_events_total',
    help: 'Events the workflow engine refused, by machine and reason',
    labelNames: ['machine', 'reason'] as const,
    registers: [this.registry],
  });

  readonly schedulerBatches = new Histogram({
    name: 'scheduler_batch_size',
    help: 'Due timers claimed by one batch of the deadline scheduler',
    buckets: BATCH_SIZES,
    registers: [this.registry],
  });

  readonly schedulerLag = new Histogram({
    name: 'scheduler_lag_seconds',
    help: 'How long after falling due a timer was fired',
    buckets: LAG_SECONDS,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (tried again later) or dead (no more tries)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A figure read from the database (or elsewhere) when Prometheus scrapes, not kept up to date. */
  gaugeAtScrape<L extends string>(name: string, help: string, labelNames: readonly L[], read: (gauge: Gauge<L>) => Promise<void>): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await read(this);
      },
    });
  }
}
