import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

/** Background jobs (ledger exports, audit verifications): their progress, read by any instance. */
export class Jobs1733670000000 implements MigrationInterface {
  name = 'Jobs1733670000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'jobs',
        columns: [
          id(),
          text('kind', 32),
          ref('ownerId'),
          text('status', 16),
          { name: 'params', type: 'text' },
          { name: 'done', type: 'integer', default: 0 },
          { name: 'total', type: 'integer', isNullable: true },
          { name: 'result', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          instantColumn(queryRunner, 'createdAt'),
          instantColumn(queryRunner, 'updatedAt'),
          instantColumn(queryRunner, 'finishedAt', true),
          instantColumn(queryRunner, 'expiresAt'),
        ],
        indices: [
          { name: 'IDX_jobs_expiresAt', columnNames: ['expiresAt'] },
          { name: 'IDX_jobs_status_updatedAt', columnNames: ['status', 'updatedAt'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('jobs');
  }
}
