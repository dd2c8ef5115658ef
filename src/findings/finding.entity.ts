import { Column, Entity } from 'typeorm';
import type { ExtensionState, FindingSource, Light, ReceiptState, RoundType, Severity, Timeliness } from '../../workflows';
import { WorkflowSubjectEntity } from '../engine/workflow-subject.entity';

@Entity('findings')
export class FindingEntity extends WorkflowSubjectEntity {
  /** None for a finding registered from another problem list. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  roundId: string | null;

  @Column({ type: 'varchar', length: 32 })
  source: FindingSource;

  /** The reference it bears in the list it came from; unique within its source and scope, so a re-import finds it. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  /** Where `externalRef` is unique within the source (referenceScope in workflows/finding.registration.ts). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  referenceScope: string | null;

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

  @Column({ type: 'varchar', length: 36, nullable: true })
  responsiblePersonId: string | null;

  /** The end of the date the plan committed to, while it stands: "on time" means by it. */
  @Column({ type: Date, nullable: true })
  committedDue: Date | null;

  /** The supervision light of an open finding; none once settled. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  light: Light | null;

  @Column({ type: 'varchar', length: 16 })
  receipt: ReceiptState;

  /** The calendar date the follow-up check (回头看) falls due, while one is scheduled. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  followUpDueOn: string | null;

  @Column({ type: 'integer' })
  relapses: number;
}
