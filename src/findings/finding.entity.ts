import { Column, Entity } from 'typeorm';
import type { ExtensionState, RoundType, Severity, Timeliness } from '../../workflows';
import { WorkflowSubjectEntity } from '../engine/workflow-subject.entity';

@Entity('findings')
export class FindingEntity extends WorkflowSubjectEntity {
  @Column({ type: 'varchar', length: 36 })
  roundId: string;

  @Column({ type: 'varchar', length: 32 })
  roundType: RoundType;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  severity: Severity;

  @Column({ type: 'varchar', length: 200, nullable: true })
  location: string | null;

  /** The checklist item whose failure raised the finding. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  checklistItemCode: string | null;

  // Denormalised from the snapshot by the engine, for filters and sorting.
  @Column({ type: 'varchar', length: 36 })
  responsibleDepartmentId: string;

  @Column({ type: 'varchar', length: 16 })
  timeliness: Timeliness;

  @Column({ type: 'varchar', length: 16 })
  extension: ExtensionState;

  @Column({ type: 'boolean' })
  overdue: boolean;

  @Column({ type: Date, nullable: true })
  deadline: Date | null;

  @Column({ type: 'integer' })
  rejections: number;

  @Column({ type: Date, nullable: true })
  closedAt: Date | null;
}
