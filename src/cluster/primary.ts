import cluster, { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { createLogger } from '../common/logging';
import type { AppConfig } from '../config/app-config';
import { FiguresAnswer, FiguresRequest, isMessage, ScrapeAnswer, ScrapeRequest, SHUT_DOWN } from './messages';

/** How long the primary waits for the workers' figures before the scrape fails. */
const FIGURES_TIMEOUT_MS = 5_000;

/**
 * The primary of WORKERS processes serving one port (node:cluster hands each new connection to the
 * next worker in turn). It serves nothing itself and loads no part of the application:
 *
 * - The first worker starts alone: it applies the migrations and creates the first account, and the
 *   others start when it listens, finding both done (they would wait for the migration lock anyway,
 *   but would not serve meanwhile).
 * - A worker that dies after it listened is replaced; one that dies before stops the service (a
 *   setting or the database is wrong, and a new one would die alike): the supervisor sees status 1.
 * - On SIGTERM or SIGINT every worker shuts down gracefully (as one process does); the primary ends
 *   after them, with status 0 when they all ended so. A second signal ends the workers at once.
 * - It gathers the serving workers' metrics for the one a scrape reached, and adds them up
 *   (prom-client's AggregatorRegistry.aggregate). A worker still starting is not asked: it may not
 *   answer yet, and has served nothing.
 */
export function superviseWorkers(config: AppConfig): void {
  const logger = createLogger(config.LOG_LEVEL).child({ context: 'Workers' });
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: tokens are signed with a secret made up at start and die with the process');
  }
  // Every worker signs and checks tokens with the same secret, made up here when it is not set.
  const environment = { JWT_SECRET: config.jwtSecret };
  const live = new Set<Worker>();
  const served = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;

  const fork = (): Worker => {
    const worker = cluster.fork(environment);
    live.add(worker);
    // A message to a worker that has just gone fails: its exit is handled below.
    worker.on('error', (error) => logger.warn(`Worker ${worker.process.pid}: ${String(error)}`));
    worker.on('message', (message) => {
      if (isMessage<ScrapeRequest>(message, 'triple-round:scrape')) void answerScrape(worker, message.id);
      if (isMessage<FiguresAnswer>(message, 'triple-round:figures-answer')) figuresAwaited.get(message.id)?.(message);
    });
    return worker;
  };

  const figuresAwaited = new Map<number, (answer: FiguresAnswer) => void>();
  let lastRequest = 0;
  const figuresOf = (worker: Worker) =>
    new Promise<NonNullable<FiguresAnswer['figures']>>((resolve, reject) => {
      const id = ++lastRequest;
      const timeout = setTimeout(() => figuresAwaited.get(id)?.({ type: 'triple-round:figures-answer', id, error: `worker ${worker.process.pid} did not answer` }), FIGURES_TIMEOUT_MS);
      figuresAwaited.set(id, (answer) => {
        clearTimeout(timeout);
        figuresAwaited.delete(id);
        if (answer.figures) resolve(answer.figures);
        else reject(new Error(answer.error));
      });
      worker.send({ type: 'triple-round:figures', id } satisfies FiguresRequest);
    });

  const answerScrape = async (asking: Worker, id: number) => {
    const answer: ScrapeAnswer = { type: 'triple-round:scraped', id };
    try {
      const serving = [...live].filter((worker) => served.has(worker) && worker.isConnected());
      answer.text = await AggregatorRegistry.aggregate(await Promise.all(serving.map(figuresOf))).metrics();
    } catch (error) {
      answer.error = error instanceof Error ? error.message : String(error);
    }
    if (asking.isConnected()) asking.send(answer);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: ending the ${live.size} workers left at once`);
      for (const worker of live) worker.process.kill(signal);
      return;
    }
    stopping = true;
    logger.info(`${signal}: shutting down ${live.size} workers gracefully`);
    for (const worker of live) {
      // One still starting has nothing in flight, and may not listen for the message yet.
      if (served.has(worker) && worker.isConnected()) worker.send(SHUT_DOWN);
      else worker.process.kill('SIGTERM');
    }
    if (live.size === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on('listening', (worker) => served.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const how = signal ? `signal ${signal}` : `status ${code}`;
    if (stopping) {
      if (code !== 0 && served.has(worker)) failed = true;
      if (live.size === 0) {
        logger.info(`Every worker has stopped${failed ? ', not all of them cleanly' : ''}`);
        process.exit(failed ? 1 : 0);
      }
    } else if (served.has(worker)) {
      logger.error(`Worker ${worker.process.pid} ended (${how}); starting another`);
      fork();
    } else {
      logger.error(`Worker ${worker.process.pid} ended (${how}) before it listened: stopping the service`);
      failed = true;
      stop('SIGTERM');
    }
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);

  const first = fork();
  first.once('listening', () => {
    logger.info(`Worker ${first.process.pid} listens on port ${config.PORT}, the database migrated: starting ${config.workers - 1} more`);
    for (let started = 1; started < config.workers && !stopping; started++) fork();
  });
}
