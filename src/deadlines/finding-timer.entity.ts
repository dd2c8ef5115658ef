import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TimerEvent } from '../../workflows';

/** The one event time owes a finding next (see nextTimer); replaced in the transaction of every transition that moves it. */
@Entity('finding_timers')
export class FindingTimerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  findingId: string;

  @Column({ type: 'varchar', length: 16 })
  event: TimerEvent;

  /** The escalation level an ESCALATE reaches. */
  @Column({ type: 'integer', nullable: true })
  level: number | null;

  @Column({ type: Date })
  dueAt: Date;

  @Column({ type: Date })
  scheduledAt: Date;
}
