import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { instantColumn, ref, text } from './columns';

/** Findings the discipline office holds up as typical cases (典型案例), one mark per finding. */
export class TypicalCases1733650000000 implements MigrationInterface {
  name = 'TypicalCases1733650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'typical_cases',
        columns: [{ ...ref('findingId'), isPrimary: true }, text('reason', 2000), ref('markedBy'), instantColumn(queryRunner, 'markedAt')],
        foreignKeys: [{ columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['markedAt'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('typical_cases');
  }
}
