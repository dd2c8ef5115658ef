import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A Party branch (党支部): its departments name it (`departments.partyBranchId`); its secretary may lead secretary rounds. */
@Entity('party_branches')
export class PartyBranchEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  /** Null for a branch made from a department's free text, until an administrator names its secretary. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  secretaryId: string | null;

  @CreateDateColumn({ type: Date })
  createdAt: Date;
}
