import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

/** The record of each problem list imported (POST /findings/import): its findings' audit entries name it. */
export class FindingImports1733510000000 implements MigrationInterface {
  name = 'FindingImports1733510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'finding_imports',
        columns: [
          id(),
          ref('importedBy'),
          instantColumn(queryRunner, 'importedAt'),
          text('sha256', 64),
          text('fileName', 255),
          { name: 'rows', type: 'integer' },
          { name: 'created', type: 'integer' },
          { name: 'alreadyPresent', type: 'integer' },
        ],
        foreignKeys: [{ columnNames: ['importedBy'], referencedTableName: 'users', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['sha256'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('finding_imports');
  }
}
