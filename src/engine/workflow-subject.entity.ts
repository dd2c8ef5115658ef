import { Column, PrimaryColumn } from 'typeorm';
import type { StoredSnapshot } from '../../workflows';

/**
 * What every workflow-driven row carries: the machine it belongs to, its stored snapshot and the
 * version that guards concurrent writes. Only the workflow engine writes these columns.
 */
export abstract class WorkflowSubjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  workflowId: string;

  @Column({ type: 'integer' })
  workflowVersion: number;

  @Column({ type: 'simple-json' })
  snapshot: StoredSnapshot;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 32 })
  state: string;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  /** Set by the engine from the event's time, like every other workflow column. */
  @Column({ type: Date })
  createdAt: Date;

  @Column({ type: Date })
  updatedAt: Date;
}
