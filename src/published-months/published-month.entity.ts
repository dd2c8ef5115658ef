import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MonthlyTrackingDto } from '../assessments/assessment.dto';
import type { PublishedAudience } from '../access/visibility';
import type { NoticeDto } from '../reports/notice.dto';

/** A month whose notice was published: its figures are frozen from then on. Unique by month: published once. */
@Entity('published_months')
export class PublishedMonthEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: Date })
  publishedAt: Date;

  @Column({ type: 'varchar', length: 36 })
  publishedBy: string;
}

/** What one audience of a published month reads: the notice and the assessments as they stood when it was published. */
@Entity('published_month_views')
export class PublishedMonthViewEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'varchar', length: 16 })
  audience: PublishedAudience['kind'];

  /** The department whose staff read this view; null for the hospital-wide views. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  departmentId: string | null;

  @Column({ type: 'simple-json' })
  notice: NoticeDto;

  @Column({ type: 'simple-json' })
  assessments: MonthlyTrackingDto;
}
