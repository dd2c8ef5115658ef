import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EvidenceFile, RoundType } from '../../workflows';

/** An admonition interview (约谈) held with a department about some of its findings; recorded once, never changed. */
@Entity('interviews')
export class InterviewEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  departmentId: string;

  /** The person spoken to, an active user of the department when recorded. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  personId: string | null;

  /** The department's findings it was about; the case file finds a finding's interviews in this JSON text. */
  @Column({ type: 'simple-json' })
  findingIds: string[];

  /** The calendar date it was held. */
  @Column({ type: 'varchar', length: 10 })
  heldOn: string;

  @Column({ type: 'text' })
  summary: string;

  /** Files recorded with it (minutes, a signed pledge), as a finding's events record theirs. */
  @Column({ type: 'simple-json' })
  attachments: EvidenceFile[];

  /** About an integrity finding: then only the discipline office reads it. */
  @Column({ type: 'boolean' })
  integrity: boolean;

  /** The round types whose lead office recorded it (the recorder's office then): that office reads it. */
  @Column({ type: 'simple-json' })
  recordingOfficeFor: RoundType[];

  @Column({ type: 'varchar', length: 36 })
  recordedBy: string;

  @Column({ type: Date })
  recordedAt: Date;
}
