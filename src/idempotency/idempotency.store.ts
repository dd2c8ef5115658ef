import { HttpStatus, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, LessThan } from 'typeorm';
import { ApiException, IdempotentReplay } from '../common/api-error';
import type { IdempotencyClaim, RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/**
 * Remembered answers to POSTs with an Idempotency-Key. It takes part in every write of a request
 * that carries a key: the key is checked and its answer stored inside the same transaction, so a
 * retry can never repeat the effect.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    this.db.register({
      begin: (manager, request) => (request?.idempotency ? this.assertUnused(manager, request.idempotency) : Promise.resolve()),
      beforeCommit: (manager, request, result) => (request?.idempotency ? this.remember(manager, request.idempotency, result) : Promise.resolve()),
      afterFailure: (error, request) => this.answerAsTheWinner(error, request),
    });
  }

  /** Returns when the key is new; otherwise throws the replay, or 422 if the key came with another request. */
  async assertUnused(manager: EntityManager, claim: IdempotencyClaim): Promise<void> {
    const row = await manager.findOneBy(IdempotencyKeyEntity, { userId: claim.userId, key: claim.key });
    if (!row) return;
    if (row.createdAt < this.expiry()) {
      await manager.delete(IdempotencyKeyEntity, { userId: claim.userId, key: claim.key });
      return;
    }
    if (row.requestHash !== claim.requestHash) {
      throw new ApiException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'This Idempotency-Key was already used with a different request',
        { idempotencyKey: claim.key },
      );
    }
    throw new IdempotentReplay(row.status, JSON.parse(row.body));
  }

  async remember(manager: EntityManager, claim: IdempotencyClaim, answer: unknown): Promise<void> {
    await manager.insert(IdempotencyKeyEntity, {
      userId: claim.userId,
      key: claim.key,
      requestHash: claim.requestHash,
      status: claim.status,
      body: JSON.stringify(answer ?? null),
    });
  }

  /**
   * A request with a key that failed may have lost a race to another with the same key (the key's
   * row, or what the winner made, refused it): if the winner has committed, its answer is this one's.
   */
  private async answerAsTheWinner(error: unknown, request: RequestContext | null): Promise<void> {
    const claim = request?.idempotency;
    if (claim && !(error instanceof IdempotentReplay)) await this.db.read((manager) => this.assertUnused(manager, claim));
  }

  async purgeExpired(manager: EntityManager): Promise<number> {
    const result = await manager.delete(IdempotencyKeyEntity, { createdAt: LessThan(this.expiry()) });
    return result.affected ?? 0;
  }

  private expiry(): Date {
    return new Date(Date.now() - this.config.IDEMPOTENCY_TTL_HOURS * 3_600_000);
  }
}
