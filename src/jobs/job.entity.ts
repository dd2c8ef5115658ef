import { Column, Entity, PrimaryColumn } from 'typeorm';

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * A piece of work run in the background by the instance that took it (a ledger export, an audit
 * verification); its progress is kept here so any instance answers how far it got.
 */
@Entity('jobs')
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** What the job does: `ledger_export`, `audit_verification`. */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** Who asked for it: the only one who reads it. */
  @Column({ type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'varchar', length: 16 })
  status: JobStatus;

  /** What it was asked to do, as given (an export's format and filters). */
  @Column({ type: 'simple-json' })
  params: Record<string, unknown>;

  /** Units done (rows written, entries checked) of `total`, null until the total is known. */
  @Column({ type: 'integer', default: 0 })
  done: number;

  @Column({ type: 'integer', nullable: true })
  total: number | null;

  /** What the finished job answered (a verification's outcome), null before. */
  @Column({ type: 'simple-json', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: Date })
  createdAt: Date;

  /** When the running instance last reported on it: a job not reported on for JOB_STALE_MINUTES is failed. */
  @Column({ type: Date })
  updatedAt: Date;

  @Column({ type: Date, nullable: true })
  finishedAt: Date | null;

  /** From then on the job and its file are gone. */
  @Column({ type: Date })
  expiresAt: Date;
}
