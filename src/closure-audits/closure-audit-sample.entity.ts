import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SAMPLE_OUTCOMES = ['approved', 'reopened'] as const;
export type SampleOutcome = (typeof SAMPLE_OUTCOMES)[number];

/** A closed finding drawn for the discipline office's monthly closure audit, and what came of it. */
@Entity('closure_audit_samples')
export class ClosureAuditSampleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The month the finding was closed in (YYYY-MM, hospital time). */
  @Column({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'varchar', length: 36 })
  findingId: string;

  @Column({ type: Date })
  drawnAt: Date;

  /** Null until the discipline office approves the closure or reopens the finding. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: SampleOutcome | null;

  @Column({ type: Date, nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  reviewedBy: string | null;
}

/** One month's draw: made once (by the service after the month ends, or earlier on request), never again. */
@Entity('closure_audit_draws')
export class ClosureAuditDrawEntity {
  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  candidates: number;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: Date })
  drawnAt: Date;

  /** Null when the service drew it on its own. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  drawnBy: string | null;
}
