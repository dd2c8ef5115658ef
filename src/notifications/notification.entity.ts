import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoticeType } from '../../workflows';

/** One person's copy of a notice, written in the transaction of the transition that caused it. */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  recipientId: string;

  /** Shared by every copy of one notice; the `id` of its webhook body. */
  @Column({ type: 'varchar', length: 36 })
  noticeId: string;

  @Column({ type: 'varchar', length: 32 })
  type: NoticeType;

  @Column({ type: 'varchar', length: 36 })
  findingId: string;

  @Column({ type: 'simple-json' })
  detail: NoticeDetail;

  @Column({ type: Date })
  createdAt: Date;

  @Column({ type: Date, nullable: true })
  readAt: Date | null;
}

/** What the recipient needs to see without opening the finding. */
export interface NoticeDetail {
  /** The event that caused the notice. */
  event: string;
  title: string;
  deadline: string | null;
  /** For escalations: the level reached. */
  level?: number;
}
