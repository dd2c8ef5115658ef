import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
// node-postgres's own conversion of a value it sends (not in its typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { Metrics } from '../metrics/metrics';
import { PreparingClient } from './prepared-statements';
import { SqliteCheckpointer } from './sqlite-checkpointer';

/**
 * The only way to the database. On PostgreSQL each unit of work is a transaction from the pool.
 * On SQLite every unit of work shares one connection, so they take turns: a write must not begin
 * inside another's transaction, and a read must not see a write that may still roll back.
 */
const MAX_ATTEMPTS = 3;

/**
 * SQLite: the most writes one turn commits together. Enough to take every request of a busy
 * service at once, few enough that a group's answers are not held back long.
 */
const MAX_GROUP = 64;

const isDeadlock = (error: unknown): boolean =>
  error instanceof QueryFailedError && ['40P01', '40001'].includes((error.driverError as { code?: string }).code ?? '');

/**
 * A part every write plays, registered by the feature that owns it (the audit chain, the
 * idempotency store), so the database knows no feature. Hooks run in the order registered; the
 * one registered `last` runs after all others.
 */
export interface UnitOfWorkHook {
  /** In the transaction, before the work; may refuse it by throwing. */
  begin?(manager: EntityManager, request: RequestContext | null): Promise<void>;
  /** In the transaction, after the work, before COMMIT. */
  beforeCommit?(manager: EntityManager, request: RequestContext | null, result: unknown): Promise<void>;
  /** After COMMIT, with the unit of work's data (unitOfWorkData); must not throw. */
  afterCommit?(data: Record<string | symbol, unknown>): void;
  /** After the transaction failed and rolled back; may throw the answer the request gets instead. */
  afterFailure?(error: unknown, request: RequestContext | null): Promise<void>;
  /**
   * As a part of the unit of work begins (Database.part): answers how to forget what the part
   * leaves with the hook, for when the part rolls back and the unit of work goes on.
   */
  beginPart?(manager: EntityManager): () => void;
}

/**
 * The data of the unit of work (Database.write) `manager` belongs to, where its hooks and writers
 * keep values for its length; undefined outside one.
 */
export function unitOfWorkData(manager: EntityManager): Record<string | symbol, unknown> | undefined {
  return manager.queryRunner?.data as Record<string | symbol, unknown> | undefined;
}

/** The id of the request a unit of work runs for; undefined for the service's own work. */
export function requestIdOf(manager: EntityManager): string | undefined {
  return unitOfWorkData(manager)?.requestId as string | undefined;
}

/** Where a unit of work keeps the answers to the statements it wrote without waiting for them. */
const UNANSWERED = Symbol('written without waiting');
/** The query runner whose connection those statements may still be held on (PreparingClient.queryWithoutWaiting). */
const HELD_ON = Symbol('held on');

/**
 * Writes a statement whose answer nothing in the unit of work needs (an insert of notices, of
 * audit entries). On PostgreSQL, inside Database.write's transaction, it is handed to the
 * connection at once and not waited for: the unit's next statement, or its COMMIT, follows it on
 * the wire, a round trip sooner, in the same write. Its answer is awaited when the unit of work (or the part of it,
 * Database.part) ends, and after COMMIT for the last ones; a failure fails the unit of work, which
 * PostgreSQL has then rolled back (every later statement fails, and COMMIT is answered with
 * ROLLBACK), as a QueryFailedError like any other (a deadlock is retried). Its values are
 * converted here, so one node-postgres could not send fails now, not after a COMMIT that kept the
 * rest. On SQLite, where a failed statement aborts nothing, and anywhere else, it is awaited here.
 */
export async function writeWithoutWaiting(manager: EntityManager, sql: string, parameters: unknown[]): Promise<void> {
  const data = unitOfWorkData(manager);
  const runner = manager.queryRunner as (QueryRunner & { databaseConnection?: unknown }) | undefined;
  const connection = runner?.databaseConnection;
  if (!data?.[UNANSWERED] || !(connection instanceof PreparingClient) || !runner?.isTransactionActive || runner.isReleased) {
    return void (await manager.query(sql, parameters));
  }
  const values = parameters.map((value) => prepareValue(value));
  data[HELD_ON] = runner;
  const answer = connection.queryWithoutWaiting(sql, values).catch((error: unknown) => {
    throw new QueryFailedError(sql, parameters, error as Error);
  });
  // Awaited later; until then a failure must not count as unhandled.
  answer.catch(() => undefined);
  unanswered(data).push(answer);
}

const unanswered = (data: Record<string | symbol, unknown>): Promise<unknown>[] => ((data[UNANSWERED] ??= []) as Promise<unknown>[]);

/**
 * Waits for the answers to the statements written without waiting, from the `from`th up to the
 * `to`th; answers the first failure, if any, else null. Those before a statement that failed have
 * all been answered.
 */
async function firstFailure(data: Record<string | symbol, unknown>, from = 0, to?: number): Promise<unknown> {
  // Once the runner is released its transaction has ended, COMMIT or ROLLBACK having sent all; its connection is another's now.
  const runner = data[HELD_ON] as (QueryRunner & { databaseConnection: PreparingClient }) | undefined;
  if (runner && !runner.isReleased) runner.databaseConnection.sendHeld();
  const settled = await Promise.allSettled(unanswered(data).slice(from, to));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  return failed ? (failed as PromiseRejectedResult).reason : null;
}

/** A unit of work's result, and its data for the hooks' afterCommit. */
interface Committed<T> {
  result: T;
  data: Record<string | symbol, unknown>;
}

/** A write waiting for its group's turn (SQLite). */
interface QueuedWrite {
  request: RequestContext | null;
  work: (manager: EntityManager) => Promise<unknown>;
  resolve(committed: Committed<unknown>): void;
  reject(error: unknown): void;
}

/**
 * The first half of the two-key advisory locks `exclusively` takes, so they never meet another lock
 * of the service (the audit chain's and the grants' take one 64-bit key, a key space of its own).
 */
const EXCLUSIVE_WORK = 0x7472_6f75; // "trou"

/** The advisory lock keys of the work called `name`. */
const exclusiveKeys = (name: string): [number, number] => [EXCLUSIVE_WORK, createHash('sha256').update(name).digest().readInt32BE(0)];

@Injectable()
export class Database implements OnApplicationShutdown {
  private readonly turn = new Mutex();
  private readonly serialised: boolean;
  private readonly hooks: UnitOfWorkHook[] = [];
  private lastHook?: UnitOfWorkHook;
  /** SQLite: writes waiting for the connection, and whether a turn to commit them is already queued. */
  private readonly queued: QueuedWrite[] = [];
  private groupScheduled = false;

  /** Work `exclusively` runs in this process now, by name. */
  private readonly running = new Set<string>();
  /** PostgreSQL: the connection `exclusively` holds its locks on, opened at the first need; one query on it at a time. */
  private lockSession?: Promise<Client>;
  private readonly lockTurn = new Mutex();
  /** Set as the application shuts down: no run starts after. */
  private closed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checkpointer: SqliteCheckpointer,
    private readonly metrics: Metrics,
  ) {
    this.serialised = dataSource.options.type !== 'postgres';
  }

  get isPostgres(): boolean {
    return !this.serialised;
  }

  /** Adds a hook to every write from now on; `last` for the one that must run just before COMMIT. */
  register(hook: UnitOfWorkHook, { last = false } = {}): void {
    if (!last) return void this.hooks.push(hook);
    if (this.lastHook) throw new Error('Only one unit-of-work hook may run last');
    this.lastHook = hook;
  }

  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.inTurn(() => work(this.dataSource.manager));
  }

  /**
   * One transaction, on behalf of `request` (null for the service's own work), with every
   * registered hook taking part in it. On SQLite the writes waiting for the connection commit
   * together (see commitGroup); each still succeeds or fails alone.
   */
  async write<T>(request: RequestContext | null, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const hooks = this.allHooks();
    for (let attempt = 1; ; attempt++) {
      let unit: Record<string | symbol, unknown> | undefined;
      try {
        const { result, data } = this.serialised
          ? await this.inGroup(request, work)
          : await this.dataSource.transaction((manager) => {
              unit = unitOfWorkData(manager);
              return this.unitOfWork(manager, request, work, hooks);
            });
        // COMMIT was answered; the statements it followed are answered by now: had one failed, it rolled back.
        const failure = await firstFailure(data);
        if (failure) throw failure;
        for (const hook of hooks) hook.afterCommit?.(data);
        return result;
      } catch (caught) {
        // A statement written without waiting that failed is the cause, whatever failed after it (COMMIT itself, or a part's SAVEPOINT).
        const error = (unit && (await firstFailure(unit))) || caught;
        for (const hook of hooks) await hook.afterFailure?.(error, request);
        // PostgreSQL broke a deadlock (a round and its finding locked in opposite orders) by rolling this one back.
        if (attempt < MAX_ATTEMPTS && isDeadlock(error)) continue;
        throw error;
      }
    }
  }

  /**
   * Runs `work` as one part of the unit of work `manager` belongs to, under a SAVEPOINT: should it
   * throw, what it wrote rolls back, the hooks forget what it left with them (its audit entries),
   * and the unit of work goes on without it. TypeORM nests a transaction as a savepoint on SQLite
   * and PostgreSQL alike, on the same connection, so the part sees and holds what the whole does.
   */
  async part<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('Database.part runs only inside Database.write');
    const forgetters = this.allHooks().map((hook) => hook.beginPart?.(manager));
    const data = unitOfWorkData(manager)!;
    const written = unanswered(data).length;
    try {
      return await manager.transaction(async () => {
        const result = await work().catch(async (error: unknown) => {
          throw (await firstFailure(data, written)) ?? error;
        });
        // The part stands or falls with what it wrote, before its savepoint is released.
        const failure = await firstFailure(data, written);
        if (failure) throw failure;
        return result;
      });
    } catch (error) {
      // A write before the part that failed aborted the whole transaction, savepoint and all: that is what failed.
      const before = await firstFailure(data, 0, written);
      if (before) throw before;
      // Rolled back to its savepoint: the part's failed statements no longer fail the unit of work.
      unanswered(data).splice(written);
      for (const forget of forgetters) forget?.();
      throw error;
    }
  }

  /** The work with every hook taking part; answers its result and its own copy of the unit of work's data, for afterCommit. */
  private async unitOfWork<T>(manager: EntityManager, request: RequestContext | null, work: (manager: EntityManager) => Promise<T>, hooks: UnitOfWorkHook[]): Promise<Committed<T>> {
    const data = Object.assign(unitOfWorkData(manager)!, { requestId: request?.requestId, [UNANSWERED]: [] });
    try {
      for (const hook of hooks) await hook.begin?.(manager, request);
      const result = await work(manager);
      for (const hook of hooks) await hook.beforeCommit?.(manager, request, result);
      // A copy: the writes of a SQLite group share one connection, and with it one data object.
      return { result, data: { ...data } };
    } catch (error) {
      // A statement written without waiting that failed is the cause; what failed after it only says the transaction was aborted.
      throw (await firstFailure(data)) ?? error;
    }
  }

  /** Queues a write for the next SQLite turn; settles once its group has committed. */
  private inGroup<T>(request: RequestContext | null, work: (manager: EntityManager) => Promise<T>): Promise<Committed<T>> {
    return new Promise<Committed<T>>((resolve, reject) => {
      this.queued.push({ request, work, resolve: resolve as (committed: Committed<unknown>) => void, reject });
      this.scheduleGroup();
    });
  }

  /**
   * better-sqlite3 answers synchronously, so a request runs from its socket's callback to its
   * write without yielding; the group's turn waits for the event loop's next check phase, by which
   * time every request read in this poll phase has queued its write.
   */
  private scheduleGroup(): void {
    if (this.groupScheduled || this.queued.length === 0) return;
    this.groupScheduled = true;
    setImmediate(() => void this.inTurn(() => this.commitGroup()));
  }

  /**
   * One SQLite turn: the writes queued meanwhile, one after another in one transaction, each
   * under a savepoint of its own, so one that throws rolls back alone and the others stand; then
   * one COMMIT for all. Writing the log once per group instead of once per write is most of what a
   * transition costs SQLite. No answer leaves before the COMMIT: should it fail, every write of the
   * group fails with it. Should SQLite itself roll the whole transaction back on a write's error
   * (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM), the writes before it fail with it and those after it
   * wait for the next turn.
   */
  private async commitGroup(): Promise<void> {
    this.groupScheduled = false;
    const group = this.queued.splice(0, MAX_GROUP);
    this.scheduleGroup();
    const hooks = this.allHooks();
    const settle: (() => void)[] = [];
    let ran = group.length;
    try {
      await this.dataSource.transaction(async (manager) => {
        // A lone write needs no savepoint: the transaction is its own.
        if (group.length === 1) {
          const committed = await this.unitOfWork(manager, group[0].request, group[0].work, hooks);
          return void settle.push(() => group[0].resolve(committed));
        }
        for (const [index, { request, work, resolve, reject }] of group.entries()) {
          try {
            const committed = await manager.transaction((unit) => this.unitOfWork(unit, request, work, hooks));
            settle.push(() => resolve(committed));
          } catch (error) {
            if (!this.sqliteInTransaction()) {
              ran = index + 1;
              throw error;
            }
            settle.push(() => reject(error));
          }
        }
      });
    } catch (error) {
      for (const { reject } of group.slice(0, ran)) reject(error);
      this.queued.unshift(...group.slice(ran));
      this.scheduleGroup();
      return;
    } finally {
      this.forgetLostTransaction();
      await this.checkpointer.afterWrite();
    }
    for (const answer of settle) answer();
  }

  /** Whether SQLite has a transaction open on the service's one connection. */
  private sqliteInTransaction(): boolean {
    return (this.dataSource.driver as unknown as { databaseConnection: { inTransaction: boolean } }).databaseConnection.inTransaction;
  }

  /**
   * After SQLite rolled a transaction back by itself, TypeORM's query runner still counts it open
   * (its ROLLBACK failed, and the failure is swallowed): without this, every later write would run
   * in a savepoint of no transaction, each committed by itself.
   */
  private forgetLostTransaction(): void {
    const runner = this.dataSource.createQueryRunner() as unknown as { isTransactionActive: boolean; transactionDepth: number };
    if (runner.isTransactionActive && !this.sqliteInTransaction()) Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
  }

  /**
   * Runs `work` unless work of the same name runs already, in this process or another on the same
   * database (another worker, another instance); answers whether it ran. Each scheduler thus runs
   * once per database at a time, whatever the number of processes. On PostgreSQL the work holds a
   * session advisory lock for its length, on a connection of its own outside the pool, so a busy pool
   * never holds up its release and the work's transactions take their connections as before; the
   * server releases the lock should the process die. SQLite is served by one process.
   */
  async exclusively(name: string, work: () => Promise<unknown>): Promise<boolean> {
    if (this.closed) return false;
    if (this.running.has(name)) return this.counted(name, false);
    this.running.add(name);
    try {
      if (this.serialised) {
        this.counted(name, true);
        await work();
        return true;
      }
      const keys = exclusiveKeys(name);
      const session = this.session();
      const locks = await session;
      const { rows } = await this.lockTurn.runExclusive(() => locks.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS acquired', keys));
      if (!this.counted(name, rows[0].acquired)) return false;
      try {
        await work();
      } finally {
        // A lock not released would keep every other process from the work: closing the session releases it.
        await this.lockTurn.runExclusive(() => locks.query('SELECT pg_advisory_unlock($1, $2)', keys)).catch(() => this.closeSession(session));
      }
      return true;
    } finally {
      this.running.delete(name);
    }
  }

  onApplicationShutdown(): Promise<void> {
    this.closed = true;
    return this.lockSession ? this.closeSession(this.lockSession) : Promise.resolve();
  }

  /** Counts a run as it starts, or its skipping; answers whether it runs. */
  private counted(name: string, ran: boolean): boolean {
    this.metrics.periodicTaskRuns.inc({ task: name, outcome: ran ? 'ran' : 'skipped' });
    return ran;
  }

  private session(): Promise<Client> {
    if (!this.lockSession) {
      const client = new Client({ connectionString: (this.dataSource.options as { url?: string }).url });
      const session = client.connect().then(() => client);
      // A session lost (the server restarted, say) took its locks with it; the next run opens another.
      client.on('error', () => void this.closeSession(session));
      session.catch(() => void this.closeSession(session));
      this.lockSession = session;
    }
    return this.lockSession;
  }

  private async closeSession(session: Promise<Client>): Promise<void> {
    if (this.lockSession === session) this.lockSession = undefined;
    await session.then((client) => client.end()).catch(() => undefined);
  }

  private allHooks(): UnitOfWorkHook[] {
    return this.lastHook ? [...this.hooks, this.lastHook] : this.hooks;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.serialised ? this.turn.runExclusive(work) : work();
  }
}
