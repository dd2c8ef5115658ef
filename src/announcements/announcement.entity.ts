import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../../workflows';

/**
 * A message from the discipline office or an administrator (节前提醒, say) to people by role and
 * department, delivered once at `publishAt`: `deliveredAt` is set by the one delivery that claims it.
 */
@Entity('announcements')
export class AnnouncementEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Plain text, shown as text wherever it is read. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'simple-json' })
  audienceRoles: Role[];

  @Column({ type: 'simple-json' })
  audienceDepartmentIds: string[];

  @Column({ type: Date })
  publishAt: Date;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @Column({ type: Date })
  createdAt: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  cancelledBy: string | null;

  @Column({ type: Date, nullable: true })
  cancelledAt: Date | null;

  @Column({ type: Date, nullable: true })
  deliveredAt: Date | null;

  /** How many people it reached, once delivered. */
  @Column({ type: 'integer', nullable: true })
  recipientCount: number | null;
}
