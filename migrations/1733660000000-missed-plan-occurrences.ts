import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** What a round plan's scheduler has planned through, and the occurrences that passed while it did not run. */
export class MissedPlanOccurrences1733660000000 implements MigrationInterface {
  name = 'MissedPlanOccurrences1733660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('round_plans', [
      new TableColumn({ name: 'missedOn', type: 'text', default: "'[]'" }),
      new TableColumn({ name: 'plannedThrough', type: 'varchar', length: '10', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('round_plans', ['missedOn', 'plannedThrough']);
  }
}
