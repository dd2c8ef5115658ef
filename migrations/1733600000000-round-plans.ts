import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

/** Recurring round plans, and one row per occurrence and department planned (unique: each exactly once). */
export class RoundPlans1733600000000 implements MigrationInterface {
  name = 'RoundPlans1733600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'round_plans',
        columns: [
          id(),
          { name: 'types', type: 'text' },
          { name: 'departmentIds', type: 'text', isNullable: true },
          text('departmentKind', 16, true),
          text('departmentOrder', 8),
          { name: 'rule', type: 'text' },
          ref('leadId'),
          { name: 'teamMemberIds', type: 'text' },
          { name: 'unannounced', type: 'boolean' },
          text('startsOn', 10),
          text('until', 10, true),
          { name: 'skippedOn', type: 'text' },
          instantColumn(queryRunner, 'deletedAt', true),
          ref('createdBy'),
          instantColumn(queryRunner, 'createdAt'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'round_plan_materialisations',
        columns: [id(), ref('planId'), text('occursOn', 10), ref('departmentId'), ref('roundId', true)],
        indices: [{ name: 'UQ_round_plan_materialisations_occurrence', columnNames: ['planId', 'occursOn', 'departmentId'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('round_plan_materialisations');
    await queryRunner.dropTable('round_plans');
  }
}
