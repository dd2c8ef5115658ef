import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One problem list imported (POST /findings/import, not a dry run): who, when, which file, and what came of its rows. */
@Entity('finding_imports')
export class FindingImportEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  importedBy: string;

  @Column({ type: Date })
  importedAt: Date;

  /** SHA-256 of the file as received. */
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  /** Rows of the list, header rows and blank rows not counted. */
  @Column({ type: 'integer' })
  rows: number;

  /** Findings registered from it. */
  @Column({ type: 'integer' })
  created: number;

  /** Rows whose source and reference (externalRef) a finding had already: not created again. */
  @Column({ type: 'integer' })
  alreadyPresent: number;
}
