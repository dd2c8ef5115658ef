import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { instantColumn, ref, refOptional, run, text } from './columns';

const SETTLED = ['closed', 'withdrawn', 'transferred'];

const INDEXES = [
  // A re-imported row is found by its source, the reference's scope and the reference; NULLs never clash, on either database.
  new TableIndex({ name: 'IDX_findings_source_externalRef', columnNames: ['source', 'referenceScope', 'externalRef'], isUnique: true }),
  new TableIndex({ name: 'IDX_findings_light', columnNames: ['light', 'deadline'] }),
  new TableIndex({ name: 'IDX_findings_followUpDueOn', columnNames: ['followUpDueOn'] }),
];

/**
 * Problem lists from every source: a finding may have no round (`source` says where it came from),
 * names its responsible person, carries the reference of the list it was imported from, and keeps
 * its committed due time, supervision light, receipt and follow-up check beside its snapshot.
 *
 * Snapshots are not rewritten: version-4 findings keep their version, and the registry reads them
 * as version 5 (workflows/registry.ts), as signed for and without a follow-up check.
 */
export class ProblemLists1733500000000 implements MigrationInterface {
  name = 'ProblemLists1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await refOptional(queryRunner, 'findings', 'roundId', true);
    await queryRunner.addColumns('findings', [
      new TableColumn({ ...text('source', 32), default: "'round'" }),
      new TableColumn(ref('responsiblePersonId', true)),
      new TableColumn(text('externalRef', 100, true)),
      new TableColumn(text('referenceScope', 64, true)),
      new TableColumn(instantColumn(queryRunner, 'committedDue', true)),
      new TableColumn(text('light', 8, true)),
      new TableColumn({ ...text('receipt', 16), default: "'acknowledged'" }),
      new TableColumn(text('followUpDueOn', 10, true)),
      new TableColumn({ name: 'relapses', type: 'integer', default: 0 }),
    ]);
    await run(
      queryRunner,
      `UPDATE "findings" SET "light" = CASE WHEN "state" IN (:...settled) THEN NULL WHEN "timeliness" IN ('overdue', 'escalated') THEN 'red' WHEN "timeliness" = 'due_soon' THEN 'yellow' ELSE 'green' END`,
      { settled: SETTLED },
    );
    for (const index of INDEXES) await queryRunner.createIndex('findings', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('findings', index);
    for (const column of ['relapses', 'followUpDueOn', 'receipt', 'light', 'committedDue', 'referenceScope', 'externalRef', 'responsiblePersonId', 'source']) {
      await queryRunner.dropColumn('findings', column);
    }
    await refOptional(queryRunner, 'findings', 'roundId', false);
  }
}
