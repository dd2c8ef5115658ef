import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { DepartmentKind, RoundType } from '../../workflows';

@Entity('departments')
export class DepartmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DepartmentKind;

  @Column({ type: 'varchar', length: 200, nullable: true })
  partyBranch: string | null;

  /** Round types whose lead office (牵头科室) this department is. */
  @Column({ type: 'simple-json' })
  leadOfficeFor: RoundType[];

  @CreateDateColumn({ type: Date })
  createdAt: Date;
}
