import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A department's staff see their department's findings only: their dashboard counts the
 * department's findings logged or closed in each week, which the first two answer without visiting
 * rows. The third lists the oldest overdue findings in the dashboard's order, so that a narrow
 * scope stops at the tenth match instead of sorting every overdue finding.
 */
const INDEXES = [
  new TableIndex({ name: 'IDX_findings_department_created', columnNames: ['responsibleDepartmentId', 'createdAt'] }),
  new TableIndex({ name: 'IDX_findings_department_closed', columnNames: ['responsibleDepartmentId', 'closedAt'] }),
  new TableIndex({ name: 'IDX_findings_oldest_overdue', columnNames: ['overdue', 'deadline', 'id', 'state', 'responsibleDepartmentId', 'roundType', 'roundId'] }),
];

export class DashboardIndexes1733000000000 implements MigrationInterface {
  name = 'DashboardIndexes1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.createIndex('findings', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('findings', index.name!);
  }
}
