import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { findingStatus } from '../../workflows';
import { RowMapper } from '../database/row-mapper';
import { WorkflowEngine } from '../engine/workflow.engine';
import { FindingClosureEntity } from './finding-closure.entity';
import type { FindingEntity } from './finding.entity';
import { closedOnTime } from './finding-figures';

/**
 * Keeps each finding's closures (finding_closures) in the transaction of the transition that
 * closes or reopens it: the months' figures count closures from them, so a finding reopened or
 * relapsed later leaves the month it was closed in as it was.
 */
@Injectable()
export class FindingClosures implements OnModuleInit {
  constructor(private readonly engine: WorkflowEngine) {}

  onModuleInit(): void {
    this.engine.onTransition<FindingEntity>('finding', async (manager, { row, snapshot }, before) => {
      const wasClosed = findingStatus(before.value).state === 'closed';
      const isClosed = findingStatus(snapshot.value).state === 'closed';
      if (!wasClosed && isClosed) await this.closed(manager, row);
      if (wasClosed && !isClosed) await manager.update(FindingClosureEntity, { findingId: row.id, reopenedAt: IsNull() }, { reopenedAt: row.updatedAt });
    });
  }

  private async closed(manager: EntityManager, finding: FindingEntity): Promise<void> {
    const closedAt = finding.closedAt!;
    // Nothing in the transition waits for the answer.
    const closure = { id: randomUUID(), findingId: finding.id, closedAt, onTime: closedOnTime({ ...finding, closedAt }), reopenedAt: null };
    await RowMapper.of(manager, FindingClosureEntity).insertMany(manager, [closure], { unanswered: true });
  }
}
