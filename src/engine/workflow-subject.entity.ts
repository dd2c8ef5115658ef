import { AfterLoad, Column, PrimaryColumn } from 'typeorm';
import { type StoredSnapshot, knownWorkflow } from '../../workflows';

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

  /**
   * A snapshot an older machine version stored is read as the current version reads it, so every
   * reader (answers, reports, notices) sees one shape; `workflowVersion` still says how it was
   * stored, and the engine stores the next transition under the current version.
   */
  @AfterLoad()
  protected readAsCurrentVersion(): void {
    const stored = knownWorkflow(this.workflowId, this.workflowVersion);
    if (stored?.upgrade && this.snapshot) this.snapshot = stored.upgrade(this.snapshot);
  }
}
