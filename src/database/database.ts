import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { appendToChain, type AuditEntryFields } from '../audit/audit-chain';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import type { RequestContext } from '../common/request-context';
import { SqliteCheckpointer } from './sqlite-checkpointer';

/**
 * The only way to the database. On PostgreSQL each unit of work is a transaction from the pool.
 * On SQLite every unit of work shares one connection, so they take turns: a write must not begin
 * inside another's transaction, and a read must not see a write that may still roll back.
 */
const MAX_ATTEMPTS = 3;

const isDeadlock = (error: unknown): boolean =>
  error instanceof QueryFailedError && ['40P01', '40001'].includes((error.driverError as { code?: string }).code ?? '');

interface UnitOfWorkData {
  requestId?: string;
  /** Audit entries to link to the chain just before COMMIT. */
  audit: AuditEntryFields[];
}

function unitOfWork(manager: EntityManager): UnitOfWorkData {
  const data = manager.queryRunner?.data as UnitOfWorkData | undefined;
  if (!data?.audit) throw new Error('Audit entries are written only inside Database.write');
  return data;
}

/** The id of the request a unit of work (Database.write) runs for; undefined for the service's own work. */
export function requestIdOf(manager: EntityManager): string | undefined {
  return (manager.queryRunner?.data as UnitOfWorkData | undefined)?.requestId;
}

/** Queues an audit entry in the unit of work `manager` belongs to; it is written when the work is done. */
export function queueAuditEntry(manager: EntityManager, entry: AuditEntryFields): void {
  unitOfWork(manager).audit.push(entry);
}

@Injectable()
export class Database {
  private readonly turn = new Mutex();
  private readonly serialised: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly checkpointer: SqliteCheckpointer,
  ) {
    this.serialised = dataSource.options.type !== 'postgres';
  }

  get isPostgres(): boolean {
    return !this.serialised;
  }

  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.inTurn(() => work(this.dataSource.manager));
  }

  /**
   * One transaction, on behalf of `request` (null for the service's own work). When the request
   * carries an Idempotency-Key, the key is checked and its answer stored inside the same
   * transaction, so a retry can never repeat the effect.
   */
  async write<T>(request: RequestContext | null, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const claim = request?.idempotency;
    const unitOfWork = () =>
      this.dataSource.transaction(async (manager) => {
        const data: UnitOfWorkData = Object.assign(manager.queryRunner!.data, { requestId: request?.requestId, audit: [] });
        if (claim) await this.idempotency.assertUnused(manager, claim);
        const result = await work(manager);
        if (claim) await this.idempotency.remember(manager, claim, result);
        // Last, so that on PostgreSQL the chain's lock is held only from here to COMMIT.
        await appendToChain(manager, data.audit);
        return result;
      });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTurn(() => unitOfWork().finally(() => this.checkpointer.afterWrite()));
      } catch (error) {
        // Two requests with one key raced past the check: the loser's transaction is rolled back; answer as the winner did.
        if (claim && this.idempotency.isKeyCollision(error)) {
          await this.read((manager) => this.idempotency.assertUnused(manager, claim));
        }
        // PostgreSQL broke a deadlock (a round and its finding locked in opposite orders) by rolling this one back.
        if (attempt < MAX_ATTEMPTS && isDeadlock(error)) continue;
        throw error;
      }
    }
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.serialised ? this.turn.runExclusive(work) : work();
  }
}
