import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One time a finding was closed, and when it was reopened (by the discipline office, or a failed
 * follow-up check), if it was: kept, never rewritten, so a month's closures stay as they were
 * counted whatever later happens to the finding.
 */
@Entity('finding_closures')
export class FindingClosureEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  findingId: string;

  @Column({ type: Date })
  closedAt: Date;

  /** Closed by the due time that counted then (the committed date's end, else the deadline). */
  @Column({ type: 'boolean' })
  onTime: boolean;

  @Column({ type: Date, nullable: true })
  reopenedAt: Date | null;
}
