import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A finding the discipline office holds up as a typical case (典型案例), for the annual notice and
 * warning education. Kept beside the finding, not on it: marking is a judgement about the finding,
 * not a step of its lifecycle, and must never race the engine's writes of the finding's row.
 */
@Entity('typical_cases')
export class TypicalCaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  findingId: string;

  /** Why it is typical: what it teaches. */
  @Column({ type: 'varchar', length: 2000 })
  reason: string;

  @Column({ type: 'varchar', length: 36 })
  markedBy: string;

  @Column({ type: Date })
  markedAt: Date;
}
