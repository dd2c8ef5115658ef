import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { id, instantColumn, ref, run } from './columns';

/**
 * The history of findings' closures, so a month's closures are never rewritten by what happens
 * to a finding afterwards. Findings closed now start it with their closure; closures already
 * undone by a reopening are not in it.
 */
export class FindingClosures1733550000000 implements MigrationInterface {
  name = 'FindingClosures1733550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'finding_closures',
        columns: [id(), ref('findingId'), instantColumn(queryRunner, 'closedAt'), { name: 'onTime', type: 'boolean' }, instantColumn(queryRunner, 'reopenedAt', true)],
        foreignKeys: [{ columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['findingId'] }, { columnNames: ['closedAt'] }],
      }),
    );
    const uuid = queryRunner.connection.options.type === 'postgres' ? 'gen_random_uuid()::varchar' : "lower(hex(randomblob(16)))";
    await run(
      queryRunner,
      `INSERT INTO "finding_closures" ("id", "findingId", "closedAt", "onTime", "reopenedAt")
       SELECT ${uuid}, "id", "closedAt", (COALESCE("committedDue", "deadline") IS NULL OR "closedAt" <= COALESCE("committedDue", "deadline")), NULL
       FROM "findings" WHERE "state" = :closed AND "closedAt" IS NOT NULL`,
      { closed: 'closed' },
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('finding_closures');
  }
}
