import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, instantColumn, ref, run, text } from './columns';

const DEPARTMENT_INDEX = new TableIndex({ name: 'IDX_departments_partyBranchId', columnNames: ['partyBranchId'] });

/**
 * Party branches as records: each distinct free-text `departments.partyBranch` becomes a branch of
 * that name (codes PB-001, PB-002, … in name order, no secretary yet), its departments name it by
 * `partyBranchId`, and the free text goes: the branch record is the one source of truth.
 * Rounds may be secretary rounds (书记查房); rounds planned before were not.
 */
export class PartyBranches1733610000000 implements MigrationInterface {
  name = 'PartyBranches1733610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'party_branches',
        columns: [id(), { ...text('code', 32), isUnique: true }, { ...text('name', 200), isUnique: true }, ref('secretaryId', true), instantColumn(queryRunner, 'createdAt')],
      }),
    );
    await queryRunner.addColumn('departments', new TableColumn(ref('partyBranchId', true)));
    await queryRunner.createIndex('departments', DEPARTMENT_INDEX);
    const named: { name: string }[] = await queryRunner.query(
      `SELECT DISTINCT TRIM("partyBranch") AS "name" FROM "departments" WHERE "partyBranch" IS NOT NULL AND TRIM("partyBranch") <> '' ORDER BY 1`,
    );
    for (const [index, { name }] of named.entries()) {
      await run(queryRunner, `INSERT INTO "party_branches" ("id", "code", "name") VALUES (:id, :code, :name)`, {
        id: randomUUID(),
        code: `PB-${String(index + 1).padStart(3, '0')}`,
        name,
      });
    }
    await queryRunner.query(
      `UPDATE "departments" SET "partyBranchId" = (SELECT "branch"."id" FROM "party_branches" "branch" WHERE "branch"."name" = TRIM("departments"."partyBranch"))`,
    );
    await queryRunner.dropColumn('departments', 'partyBranch');
    await queryRunner.addColumn('rounds', new TableColumn({ name: 'secretaryRound', type: 'boolean', isNullable: false, default: false }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('rounds', 'secretaryRound');
    await queryRunner.addColumn('departments', new TableColumn(text('partyBranch', 200, true)));
    await queryRunner.query(
      `UPDATE "departments" SET "partyBranch" = (SELECT "branch"."name" FROM "party_branches" "branch" WHERE "branch"."id" = "departments"."partyBranchId")`,
    );
    await queryRunner.dropIndex('departments', DEPARTMENT_INDEX);
    await queryRunner.dropColumn('departments', 'partyBranchId');
    await queryRunner.dropTable('party_branches');
  }
}
