import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { id, instantColumn, ref, run, text } from './columns';
import { DEFAULT_CHECKLISTS_V1 } from './data/default-checklists-v1';

const SINGLE_TYPE_ROUND_WORKFLOWS: Record<string, string> = {
  'administrative-round': 'administrative',
  'party-building-round': 'party_building',
  'integrity-round': 'integrity',
};

interface StoredRound {
  value: unknown;
  context: { types: string[]; leadId: string; teamMemberIds: string[]; parts?: unknown[] } & Record<string, unknown>;
}

/**
 * Checklist templates (versioned, the defaults shipped as version 1), round parts with checklist
 * results and a score, and findings linked to the checklist item that raised them.
 *
 * Rounds planned before this migration move to version 2 of their machine with one part and an
 * empty checklist: they were not inspected against a standard, so they get no score and may be
 * submitted without results.
 */
export class ChecklistsAndJointRounds1732500000000 implements MigrationInterface {
  name = 'ChecklistsAndJointRounds1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'checklist_templates',
        columns: [
          id(),
          text('roundType', 32),
          { name: 'version', type: 'integer' },
          text('title', 200),
          { name: 'items', type: 'text' },
          ref('publishedBy'),
          instantColumn(queryRunner, 'publishedAt'),
        ],
        uniques: [{ columnNames: ['roundType', 'version'] }],
      }),
    );
    // In each driver's own format, as there is no entity to convert it: SQLite keeps UTC text.
    const now = new Date();
    const publishedAt = queryRunner.connection.options.type === 'postgres' ? now : now.toISOString().replace('T', ' ').replace('Z', '');
    for (const checklist of DEFAULT_CHECKLISTS_V1) {
      await run(
        queryRunner,
        `INSERT INTO "checklist_templates" ("id", "roundType", "version", "title", "items", "publishedBy", "publishedAt")
         VALUES (:id, :roundType, 1, :title, :items, 'system', :publishedAt)`,
        { id: randomUUID(), roundType: checklist.roundType, title: checklist.title, items: JSON.stringify(checklist.items), publishedAt },
      );
    }

    await queryRunner.addColumns('rounds', [
      new TableColumn({ name: 'participantIds', type: 'text', default: "'[]'" }),
      new TableColumn({ name: 'score', type: 'double precision', isNullable: true }),
      new TableColumn({ name: 'vetoed', type: 'boolean', default: false }),
    ]);
    await queryRunner.addColumn('findings', new TableColumn(text('checklistItemCode', 32, true)));

    const rounds: { id: string; workflowId: string; snapshot: string }[] = await queryRunner.query(
      `SELECT "id", "workflowId", "snapshot" FROM "rounds" WHERE "workflowVersion" = 1`,
    );
    for (const round of rounds) {
      const type = SINGLE_TYPE_ROUND_WORKFLOWS[round.workflowId];
      if (!type) throw new Error(`Round ${round.id} has workflow ${round.workflowId}@1, which this migration does not know`);
      const stored = JSON.parse(round.snapshot) as StoredRound;
      const { leadId, teamMemberIds } = stored.context;
      const snapshot: StoredRound = {
        value: stored.value === 'in_progress' ? { in_progress: { [type]: 'inspecting' } } : stored.value,
        context: {
          ...stored.context,
          parts: [{ type, leadId, teamMemberIds, checklist: { templateId: null, version: 0, items: [] }, results: {} }],
        },
      };
      const participantIds = [...new Set([leadId, ...teamMemberIds])].map((userId) => `${type}:${userId}`);
      await run(queryRunner, `UPDATE "rounds" SET "snapshot" = :snapshot, "workflowVersion" = 2, "participantIds" = :participantIds WHERE "id" = :id`, {
        snapshot: JSON.stringify(snapshot),
        participantIds: JSON.stringify(participantIds),
        id: round.id,
      });
    }
  }

  /** Takes single-type rounds back to version 1, losing their checklist results; refuses while joint rounds exist. */
  async down(queryRunner: QueryRunner): Promise<void> {
    const rounds: { id: string; workflowId: string; snapshot: string }[] = await queryRunner.query(
      `SELECT "id", "workflowId", "snapshot" FROM "rounds"`,
    );
    if (rounds.some((round) => !SINGLE_TYPE_ROUND_WORKFLOWS[round.workflowId])) {
      throw new Error('Joint rounds exist; version 1 of the round machines cannot hold them');
    }
    for (const round of rounds) {
      const stored = JSON.parse(round.snapshot) as StoredRound;
      const { parts: _parts, ...context } = stored.context;
      const value = typeof stored.value === 'object' && stored.value !== null && 'in_progress' in stored.value ? 'in_progress' : stored.value;
      await run(queryRunner, `UPDATE "rounds" SET "snapshot" = :snapshot, "workflowVersion" = 1 WHERE "id" = :id`, {
        snapshot: JSON.stringify({ value, context }),
        id: round.id,
      });
    }
    await queryRunner.dropColumn('findings', 'checklistItemCode');
    for (const column of ['vetoed', 'score', 'participantIds']) await queryRunner.dropColumn('rounds', column);
    await queryRunner.dropTable('checklist_templates');
  }
}
