import { Injectable, Logger, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { In, LessThan, LessThanOrEqual, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import type { AuthUser } from '../identity/auth-user';
import type { JobStartedDto } from './job.dto';
import { JobEntity } from './job.entity';

/** How often a running job tells the others it is still alive, whatever its progress. */
const HEARTBEAT_MS = 60_000;

/** What a job's work is handed: its row, a way to report progress, and the path of the file it may write. */
export interface RunningJob {
  id: string;
  createdAt: Date;
  /** The file a job writing one writes, named by the job's id; a `.part` until it is done. */
  file: string;
  progress(done: number, total: number): Promise<void>;
}

/**
 * Runs work in the background in the instance that took it, keeping its status and progress in
 * the `jobs` table so any instance answers for it. Only the one who asked reads a job. Jobs, and
 * the files they wrote, expire after JOB_TTL_HOURS; a job whose instance stopped reporting for
 * JOB_STALE_MINUTES is failed (see JobHousekeeping).
 */
@Injectable()
export class Jobs implements OnApplicationShutdown {
  private readonly logger = new Logger(Jobs.name);
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Where job files live. */
  get directory(): string {
    return this.config.EXPORTS_DIR ?? join(this.config.ATTACHMENTS_DIR, 'exports');
  }

  fileOf(id: string): string {
    return join(this.directory, id);
  }

  /**
   * Records a queued job for the caller (in the request's unit of work: an Idempotency-Key replays
   * the job's id and starts nothing) and, once it is committed, runs `work` in the background.
   */
  async start(auth: AuthUser, kind: string, params: Record<string, unknown>, work: (job: RunningJob) => Promise<Record<string, unknown> | null>): Promise<JobStartedDto> {
    const now = this.clock.now();
    const job: JobEntity = {
      id: randomUUID(),
      kind,
      ownerId: auth.id,
      status: 'queued',
      params,
      done: 0,
      total: null,
      result: null,
      error: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      expiresAt: new Date(now.getTime() + this.config.JOB_TTL_HOURS * 3_600_000),
    };
    // The unit of work's result is what a replay answers.
    const started = await this.db.write(auth.request, async (manager): Promise<JobStartedDto> => {
      await manager.save(JobEntity, job);
      return { id: job.id, status: job.status };
    });
    const run = this.run(job, work).finally(() => this.running.delete(run));
    this.running.add(run);
    return started;
  }

  /** The caller's job of this kind; 404 for anyone else's, an unknown one or an expired one. */
  async find(auth: AuthUser, kind: string, id: string): Promise<JobEntity> {
    const job = await this.db.read((manager) => manager.findOneBy(JobEntity, { id, kind, ownerId: auth.id, expiresAt: MoreThan(this.clock.now()) }));
    if (!job) throw new NotFoundException(`No ${kind.replace('_', ' ')} ${id}`);
    // Its instance stopped: answered as failed at once, and recorded so by the next housekeeping.
    if (this.isStale(job)) return { ...job, status: 'failed', error: this.staleError };
    return job;
  }

  /** Fails the jobs whose instance stopped, forgets the expired ones, and removes files no live job owns. */
  async housekeep(): Promise<void> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - this.config.JOB_STALE_MINUTES * 60_000);
    await this.db.write(null, async (manager) => {
      await manager.update(
        JobEntity,
        { status: In(['queued', 'running']), updatedAt: LessThan(staleBefore) },
        { status: 'failed', error: this.staleError, finishedAt: now, updatedAt: now },
      );
      await manager.delete(JobEntity, { expiresAt: LessThanOrEqual(now) });
    });
    // Listed before the live jobs are read: a job's row is committed before its file is made, so every file listed has its row read.
    const files = await readdir(this.directory).catch(() => [] as string[]);
    const live = new Set((await this.db.read((manager) => manager.find(JobEntity, { select: { id: true } }))).map((job) => job.id));
    for (const name of files) {
      if (!live.has(name.replace(/\.part$/, ''))) await rm(join(this.directory, name), { force: true });
    }
  }

  /** Resolves once the jobs this instance has under way have ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /** None outlives the database connection. */
  onApplicationShutdown(): Promise<void> {
    return this.idle();
  }

  private async run(job: JobEntity, work: (job: RunningJob) => Promise<Record<string, unknown> | null>): Promise<void> {
    const update = async (changes: Partial<Pick<JobEntity, 'status' | 'done' | 'total' | 'result' | 'error' | 'finishedAt'>>) => {
      // TypeORM's partial type does not take a JSON column's plain object; the column writes it as JSON.
      const values = { ...changes, updatedAt: this.clock.now() } as QueryDeepPartialEntity<JobEntity>;
      await this.db.write(null, (manager) => manager.update(JobEntity, { id: job.id }, values));
    };
    const heartbeat = setInterval(() => void update({}).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await update({ status: 'running' });
      await mkdir(this.directory, { recursive: true });
      const result = await work({
        id: job.id,
        createdAt: job.createdAt,
        file: this.fileOf(job.id),
        progress: (done, total) => update({ done, total }),
      });
      await update({ status: 'done', result, finishedAt: this.clock.now() });
    } catch (error) {
      this.logger.error(`${job.kind} ${job.id} failed: ${error instanceof Error ? error.stack : String(error)}`);
      await update({ status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: this.clock.now() }).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private isStale(job: JobEntity): boolean {
    const staleBefore = this.clock.now().getTime() - this.config.JOB_STALE_MINUTES * 60_000;
    return (job.status === 'queued' || job.status === 'running') && job.updatedAt.getTime() < staleBefore;
  }

  private readonly staleError = 'the instance running it stopped';
}
