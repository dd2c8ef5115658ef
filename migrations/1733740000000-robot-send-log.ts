import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { instantColumn } from './columns';

/**
 * A robot's rate is held over any sixty seconds, not per minute counted from its first message
 * (which let twice the rate through across a minute's turn): `recentSends` lists when its messages
 * of the last minute went, as JSON, on the row every instance claims under its lock.
 */
export class RobotSendLog1733740000000 implements MigrationInterface {
  name = 'RobotSendLog1733740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('webhook_endpoints', new TableColumn({ name: 'recentSends', type: 'text', isNullable: false, default: "'[]'" }));
    await queryRunner.dropColumns('webhook_endpoints', ['rateWindowSent', 'rateWindowStartedAt']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('webhook_endpoints', [
      new TableColumn(instantColumn(queryRunner, 'rateWindowStartedAt', true)),
      new TableColumn({ name: 'rateWindowSent', type: 'integer', isNullable: false, default: 0 }),
    ]);
    await queryRunner.dropColumn('webhook_endpoints', 'recentSends');
  }
}
