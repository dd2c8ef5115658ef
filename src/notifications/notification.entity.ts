import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NoticeSubject } from '../common/notice-subject';

/**
 * One person's copy of a notice, written in the transaction of the transition that caused it: about
 * a finding (`findingId`), a round (`roundId`) or an announcement (`announcementId`), only one. A
 * round notice is unique per round, type and person, an announcement per person, so each is written
 * once however many instances write it.
 */
@Entity('notifications')
export class NotificationEntity extends NoticeSubject {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  recipientId: string;

  @Column({ type: 'simple-json' })
  detail: NoticeDetail;

  @Column({ type: Date })
  createdAt: Date;

  @Column({ type: Date, nullable: true })
  readAt: Date | null;
}

/** What the recipient needs to see without opening the finding or round; an announcement whole. */
export interface NoticeDetail {
  /** The event that caused the notice (`PLAN` for a round planned, `REMIND` for a round tomorrow). */
  event: string;
  /** The finding's title; for a round notice, the visited department's name; an announcement's title. */
  title: string;
  deadline: string | null;
  /** For escalations: the level reached. */
  level?: number;
  /** For round notices: the round's date. */
  scheduledFor?: string;
  /** For round notices: the visited department. */
  departmentId?: string;
  /** For announcements: the text, plain (never markup). */
  body?: string;
}
