import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Unannounced visits (明察暗访): a round planned as unannounced stays out of the visited
 * department's sight until it starts. Rounds planned before this were announced.
 */
export class UnannouncedRounds1733100000000 implements MigrationInterface {
  name = 'UnannouncedRounds1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('rounds', new TableColumn({ name: 'unannounced', type: 'boolean', isNullable: false, default: false }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('rounds', 'unannounced');
  }
}
