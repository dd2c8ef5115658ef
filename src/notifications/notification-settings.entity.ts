import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InboxNoticeType } from '../../workflows';
import type { NotificationChannel } from './notification-preferences';

/** A person's notification settings, once they chose any; without a row, everything on every channel and no quiet hours. */
@Entity('notification_settings')
export class NotificationSettingsEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId: string;

  /** Per channel, the notice types switched off: a type added later is on until switched off. */
  @Column({ type: 'simple-json' })
  mutedTypes: Record<NotificationChannel, InboxNoticeType[]>;

  /** `HH:MM` in TIME_ZONE; both null without quiet hours. */
  @Column({ type: 'varchar', length: 5, nullable: true })
  quietHoursStart: string | null;

  @Column({ type: 'varchar', length: 5, nullable: true })
  quietHoursEnd: string | null;

  @Column({ type: Date })
  updatedAt: Date;
}
