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
}
