import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

const GROUP_COLUMNS = ['state', 'timeliness', 'responsibleDepartmentId', 'roundType', 'overdue', 'roundId'];
const GROUPS = new TableIndex({ name: 'IDX_findings_open_groups', columnNames: GROUP_COLUMNS });
/** The dashboard counts open findings by supervision light too: the light joins the index its grouping reads alone. */
const GROUPS_WITH_LIGHT = new TableIndex({ name: 'IDX_findings_open_groups_light', columnNames: [...GROUP_COLUMNS, 'light'] });

const OLDEST_OVERDUE = new TableIndex({ name: 'IDX_findings_oldest_overdue', columnNames: ['overdue', 'deadline', 'id', 'state', 'responsibleDepartmentId', 'roundType', 'roundId'] });
/**
 * The oldest overdue are those longest past their due time, the committed date's end before the
 * deadline (src/findings/finding-figures.ts DUE_SQL, written the same here so both databases match
 * the query's expression to the index).
 */
const OLDEST_DUE = `CREATE INDEX "IDX_findings_oldest_due" ON "findings" ("overdue", (COALESCE("committedDue", "deadline")), "id", "state", "responsibleDepartmentId", "roundType", "roundId")`;

/**
 * On PostgreSQL migration 1733500000000 recreates `roundId` (TypeORM's changeColumn), which drops
 * the indexes holding it: the two replaced here may be gone already.
 */
const dropIfThere = (queryRunner: QueryRunner, name: string) => queryRunner.query(`DROP INDEX IF EXISTS "${name}"`);

export class LightGroupsIndex1733540000000 implements MigrationInterface {
  name = 'LightGroupsIndex1733540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('findings', GROUPS_WITH_LIGHT);
    await dropIfThere(queryRunner, GROUPS.name!);
    await queryRunner.query(OLDEST_DUE);
    await dropIfThere(queryRunner, OLDEST_OVERDUE.name!);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Through TypeORM, which keeps its own picture of the table: a later rebuild on SQLite must not look for this index.
    await queryRunner.dropIndex('findings', 'IDX_findings_oldest_due');
    await queryRunner.createIndex('findings', OLDEST_OVERDUE);
    await queryRunner.createIndex('findings', GROUPS);
    await queryRunner.dropIndex('findings', GROUPS_WITH_LIGHT.name!);
  }
}
