import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { instantColumn } from './columns';

/**
 * An endpoint takes integrity notices only once the discipline office has marked it for them:
 * an administrator registers endpoints, but does not decide who hears of integrity matters.
 */
export class IntegrityWebhooks1733110000000 implements MigrationInterface {
  name = 'IntegrityWebhooks1733110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('webhook_endpoints', [
      new TableColumn({ name: 'integrityMarkedBy', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn(instantColumn(queryRunner, 'integrityMarkedAt', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('webhook_endpoints', ['integrityMarkedAt', 'integrityMarkedBy']);
  }
}
