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

  /** The Party branch the department belongs to, if any: the one record of it (a branch lists its departments from here). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  partyBranchId: string | null;

  /** Round types whose lead office (牵头科室) this department is. */
  @Column({ type: 'simple-json' })
  leadOfficeFor: RoundType[];

  @CreateDateColumn({ type: Date })
  createdAt: Date;
}
