import { Column, Entity } from 'typeorm';
import type { RoundType } from '../../workflows';
import { WorkflowSubjectEntity } from '../engine/workflow-subject.entity';

@Entity('rounds')
export class RoundEntity extends WorkflowSubjectEntity {
  @Column({ type: 'simple-json' })
  types: RoundType[];

  @Column({ type: 'varchar', length: 36 })
  departmentId: string;

  @Column({ type: 'varchar', length: 36 })
  leadId: string;

  @Column({ type: 'simple-json' })
  teamMemberIds: string[];

  @Column({ type: 'date' })
  scheduledFor: string;

  /** An unannounced visit (明察暗访): the visited department does not see it before it starts. */
  @Column({ type: 'boolean', default: false })
  unannounced: boolean;

  /** A secretary round (书记查房): a Party-building round led by the visited department's branch secretary. */
  @Column({ type: 'boolean', default: false })
  secretaryRound: boolean;

  // Denormalised from the snapshot by the engine, for visibility, filters and assessment.
  /** The round's lead and every part's lead and team: who may see the round. */
  @Column({ type: 'simple-json' })
  participantIds: string[];

  @Column({ type: 'double precision', nullable: true })
  score: number | null;

  @Column({ type: 'boolean' })
  vetoed: boolean;
}
