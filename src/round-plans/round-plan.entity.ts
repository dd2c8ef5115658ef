import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DepartmentKind, RoundType } from '../../workflows';

export const DEPARTMENT_ORDERS = ['all', 'rotate'] as const;
export type DepartmentOrder = (typeof DEPARTMENT_ORDERS)[number];

/** A recurring round plan: an RFC 5545 rule whose occurrences the scheduler plans as rounds. */
@Entity('round_plans')
export class RoundPlanEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'simple-json' })
  types: RoundType[];

  /** The departments named, or null when `departmentKind` selects every department of a kind at each occurrence. */
  @Column({ type: 'simple-json', nullable: true })
  departmentIds: string[] | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  departmentKind: DepartmentKind | null;

  /** `all`: every department at each occurrence; `rotate`: one department per occurrence, in turn. */
  @Column({ type: 'varchar', length: 8 })
  departmentOrder: DepartmentOrder;

  /** The RRULE, without DTSTART: `startsOn` is its start. */
  @Column({ type: 'text' })
  rule: string;

  @Column({ type: 'varchar', length: 36 })
  leadId: string;

  @Column({ type: 'simple-json' })
  teamMemberIds: string[];

  @Column({ type: 'boolean' })
  unannounced: boolean;

  @Column({ type: 'varchar', length: 10 })
  startsOn: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  until: string | null;

  /** Occurrence dates not to be planned. */
  @Column({ type: 'simple-json' })
  skippedOn: string[];

  /** Occurrence dates that passed while no instance ran, and so were never planned. */
  @Column({ type: 'simple-json' })
  missedOn: string[];

  /** The last date the scheduler has planned through; null before its first run. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  plannedThrough: string | null;

  /** Deleted plans stay for their rounds' sake and plan nothing more. */
  @Column({ type: Date, nullable: true })
  deletedAt: Date | null;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @Column({ type: Date })
  createdAt: Date;
}

/** One occurrence planned for one department: its unique key makes each exactly once, whichever instance claims it first. */
@Entity('round_plan_materialisations')
export class RoundPlanMaterialisationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  planId: string;

  @Column({ type: 'varchar', length: 10 })
  occursOn: string;

  @Column({ type: 'varchar', length: 36 })
  departmentId: string;

  /** The round planned for it; null only inside the transaction that claims it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  roundId: string | null;
}
