import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoundType } from '../../workflows';

/** One item of a checklist template, as published. */
export interface ChecklistItem {
  code: string;
  title: string;
  titleEn: string;
  category: string;
  /** What "pass" means. */
  standard: string;
  maxDeduction: number;
  veto: boolean;
  /** Where the standard comes from (a document and line). */
  source: string | null;
}

/** A published checklist version: immutable, so rounds started with it can always be read against it. */
@Entity('checklist_templates')
export class ChecklistTemplateEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  roundType: RoundType;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'simple-json' })
  items: ChecklistItem[];

  @Column({ type: 'varchar', length: 36 })
  publishedBy: string;

  @Column({ type: Date })
  publishedAt: Date;
}
