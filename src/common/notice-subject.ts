import { Column } from 'typeorm';
import type { InboxNoticeType } from '../../workflows';

/** What a notice is about, as its inbox copies and its webhook deliveries both record it: one finding, round or announcement. */
export abstract class NoticeSubject {
  /** Shared by every copy of one notice; the `id` of its webhook body. */
  @Column({ type: 'varchar', length: 36 })
  noticeId: string;

  @Column({ type: 'varchar', length: 32 })
  type: InboxNoticeType;

  @Column({ type: 'varchar', length: 36, nullable: true })
  findingId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  roundId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  announcementId: string | null;
}
