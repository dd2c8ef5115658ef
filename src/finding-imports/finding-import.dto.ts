import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { FindingSource, REGISTERED_SOURCES } from '../../workflows/finding.types';

/**
 * `dryRun` is asked for in the query, never defaulted: a client that forgets it gets 400, not an
 * import it did not mean. (A form field beside the file is refused, so it cannot be mistaken for it.)
 */
export class ImportQuery {
  /** `true`: check every row and report, creating nothing; `false`: create every row, or none if any row has a problem. */
  @ApiProperty({ enum: ['true', 'false'] })
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: '$property must be given in the query, as ?dryRun=true (check only) or ?dryRun=false (import)' })
  dryRun: boolean;
}

/** What is wrong with one row: its number as the spreadsheet shows it (headers counted), the column's field key, the reason. */
export class ImportProblemDto {
  row: number;
  column: string;
  reason: string;
}

/** A row whose source and reference (externalRef) a finding has already: not created again. */
export class PresentRowDto {
  row: number;
  externalRef: string;
}

/** A row of the list as read: its number, and its title and reference (null when the cell is empty), so a report can name each row. */
export class ListedRowDto {
  row: number;
  title: string | null;
  externalRef: string | null;
}

export class ImportedRowDto {
  row: number;
  findingId: string;
  /** Where the row's finding came from, as the list said. */
  @ApiProperty({ enum: REGISTERED_SOURCES })
  source: Exclude<FindingSource, 'round'>;
}

/** What an import did, or on a dry run would do. */
export class FindingImportDto {
  dryRun: boolean;
  /** The import's record, named in each of its findings' REGISTER_FINDING audit entries; null on a dry run. */
  importId: string | null;
  fileName: string;
  /** SHA-256 of the file as received. */
  sha256: string;
  @ApiProperty({ enum: ['xlsx', 'csv'] })
  format: 'xlsx' | 'csv';
  /** Rows of the list, header rows and blank rows not counted. */
  rows: number;
  /** Every row of the list, in order, as read (with or without problems). */
  listed: ListedRowDto[];
  /** Findings created; on a dry run, the rows ready to create (a real run creates them only if no row has a problem). */
  created: number;
  alreadyPresent: number;
  present: PresentRowDto[];
  /** The findings created, by row; empty on a dry run. */
  findings: ImportedRowDto[];
  /** Every row's problems; a real run with any answers 400 with them as `details` and creates nothing. */
  problems: ImportProblemDto[];
}
