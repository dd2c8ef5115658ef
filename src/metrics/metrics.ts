import { Injectable } from '@nestjs/common';
import cluster from 'node:cluster';
import { Aggregator, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { answerFigureRequests, askPrimaryForMetrics } from '../cluster/worker';

/** Request durations, in seconds: from a cached read to a slow export. */
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Timers claimed by one scheduler batch: up to SCHEDULER_BATCH_SIZE (200 by default). */
const BATCH_SIZES = [0, 1, 5, 10, 25, 50, 100, 200, 500];
/** How late a timer fires after it fell due, in seconds: one polling interval normally, more after downtime. */
const LAG_SECONDS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600];

/**
 * The service's figures for Prometheus. Each application has a registry of its own (tests start
 * several in one process). Every label takes its values from a closed set the code names (route
 * patterns, machines, events, reasons, the workers' process ids), never from what a client sent.
 * With several workers a scrape answers for all of them (see `scrape`).
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

  readonly periodicTaskRuns = new Counter({
    name: 'periodic_task_runs_total',
    help: 'Runs of the periodic tasks (schedulers, housekeeping) by task and outcome: ran, or skipped because another process on the database (or this one) was running it',
    labelNames: ['task', 'outcome'] as const,
    registers: [this.registry],
  });

  /** One series per worker process, to show how the port's requests are shared among them. */
  readonly workerRequests = new Counter({
    name: 'worker_requests_total',
    help: 'HTTP requests answered, by the process id of the worker that answered them',
    labelNames: ['pid'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (tried again later), dead (no more tries) or throttled (a robot over its rate: not counted as a try)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    if (cluster.isWorker) answerFigureRequests(this.registry);
  }

  /**
   * The figures in Prometheus' text format. A worker of several asks the primary, which gathers every
   * serving worker's figures (this one's too) over the cluster's IPC channel and adds them up with
   * prom-client's AggregatorRegistry, each as its `aggregator` says: counters and histograms are summed.
   */
  scrape(): Promise<string> {
    return cluster.isWorker ? askPrimaryForMetrics() : this.registry.metrics();
  }

  /**
   * A figure read from the database (or elsewhere) when Prometheus scrapes, not kept up to date.
   * `aggregator` says how the workers' readings make one: `max` for a figure of the database, which
   * every worker reads alike; the default, `sum`, for one of the process.
   */
  gaugeAtScrape<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (gauge: Gauge<L>) => Promise<void>,
    aggregator: Aggregator = 'sum',
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      aggregator,
      registers: [this.registry],
      async collect() {
        this.reset();
        await read(this);
      },
    });
  }
}
