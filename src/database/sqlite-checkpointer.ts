import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';

/** The worker copies the write-ahead log into the database file this often. */
const CHECKPOINT_INTERVAL_MS = 20;
/**
 * Under sustained writes the log is never wholly copied at a quiet moment, so SQLite cannot start
 * it over; past this many frames (about 64 MB) the service lets the worker restart it.
 */
const WAL_LIMIT_FRAMES = 16_000;

interface CheckpointResult {
  mode: 'PASSIVE' | 'RESTART';
  /** Frames in the log, as `PRAGMA wal_checkpoint` reports them. */
  log: number;
  error?: string;
}

/**
 * SQLite's automatic checkpoint copies the write-ahead log into the database file and fsyncs it
 * inside the COMMIT that crosses 1,000 pages: 15–20 ms during which better-sqlite3, being
 * synchronous, stops the whole event loop (under load, once in every hundred transitions). Here a
 * worker thread with its own connection checkpoints instead, passively and continuously: it
 * never waits for the service's connection nor blocks it, and flushes what it copied. When the log
 * still outgrows its limit, the Database calls `afterWrite()` between two units of work and the
 * worker restarts the log while the service's connection is idle; meanwhile the event loop keeps
 * parsing, authenticating and answering.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker: Worker | null = null;
  private walFrames = 0;
  private restarted: (() => void) | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes over checkpoints for a file database; in-memory and PostgreSQL databases need none. */
  async onApplicationBootstrap(): Promise<void> {
    const { type, database } = this.dataSource.options;
    if (type !== 'better-sqlite3' || typeof database !== 'string' || database === ':memory:') return;
    await this.dataSource.query('PRAGMA wal_autocheckpoint = 0');
    this.worker = new Worker(`(${checkpointWorker.toString()})()`, {
      eval: true,
      // An evaluated worker resolves modules from the working directory, which need not be the service's.
      workerData: { database, driver: require.resolve('better-sqlite3'), intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    this.worker.on('message', (result: CheckpointResult) => this.observe(result));
    this.worker.on('error', (error) => this.logger.error(`The checkpoint worker failed: ${error}`));
    this.worker.on('exit', (code) => void this.fallBack(code));
    this.worker.unref();
  }

  /** Call between two units of work, while no transaction is open on the service's connection. */
  async afterWrite(): Promise<void> {
    if (!this.worker || this.walFrames < WAL_LIMIT_FRAMES) return;
    const worker = this.worker;
    await new Promise<void>((resolve) => {
      this.restarted = resolve;
      worker.postMessage('RESTART');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  /** A worker that stopped on its own hands checkpoints back to SQLite, and releases a waiting write. */
  private async fallBack(code: number): Promise<void> {
    if (!this.worker) return;
    this.worker = null;
    this.restarted?.();
    this.restarted = null;
    this.logger.error(`The checkpoint worker stopped (exit code ${code}); SQLite checkpoints inside commits again`);
    await this.dataSource.query('PRAGMA wal_autocheckpoint = 1000');
  }

  private observe(result: CheckpointResult): void {
    if (result.error) this.logger.warn(`WAL checkpoint (${result.mode}) failed: ${result.error}`);
    // After a restart, failed or not, wait for the next passive report before trying again.
    this.walFrames = result.error && result.mode === 'PASSIVE' ? this.walFrames : result.log;
    if (result.mode === 'RESTART') {
      this.restarted?.();
      this.restarted = null;
    }
  }
}

/** Runs in the worker thread; stringified, so it may use nothing from this module's scope. */
function checkpointWorker(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads');
  const { openSync, fdatasyncSync } = require('node:fs');
  const Database = require(workerData.driver);
  const db = new Database(workerData.database, { timeout: 5000 });
  const file = openSync(workerData.database, 'r');
  const checkpoint = (mode: string) => {
    try {
      const [{ log, checkpointed }] = db.pragma(`wal_checkpoint(${mode})`);
      // SQLite syncs the database file only after a complete checkpoint; flushing every partial
      // one here keeps the restart's own sync short.
      if (checkpointed > 0) fdatasyncSync(file);
      parentPort.postMessage({ mode, log: mode === 'RESTART' ? 0 : log });
    } catch (error) {
      parentPort.postMessage({ mode, log: 0, error: String(error) });
    }
  };
  // PASSIVE copies what it can without waiting for the service's connection or blocking it.
  setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
  parentPort.on('message', (mode: string) => checkpoint(mode));
}
