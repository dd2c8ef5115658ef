import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The dashboard's three queries read these indexes alone, without visiting the findings' rows:
 * each index holds the columns the visibility rules and the grouping need.
 */
const INDEXES = [
  new TableIndex({ name: 'IDX_findings_open_groups', columnNames: ['state', 'timeliness', 'responsibleDepartmentId', 'roundType', 'overdue', 'roundId'] }),
  new TableIndex({ name: 'IDX_findings_created', columnNames: ['createdAt', 'roundType', 'responsibleDepartmentId', 'roundId'] }),
  new TableIndex({ name: 'IDX_findings_closed', columnNames: ['closedAt', 'roundType', 'responsibleDepartmentId', 'roundId'] }),
];

export class ReportIndexes1732900000000 implements MigrationInterface {
  name = 'ReportIndexes1732900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.createIndex('findings', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('findings', index.name!);
  }
}
