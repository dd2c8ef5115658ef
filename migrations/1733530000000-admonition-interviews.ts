import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

const ATTACHMENT_INDEX = new TableIndex({ name: 'IDX_attachments_interviewId', columnNames: ['interviewId'] });

/**
 * Admonition interviews (约谈): one row each, naming the findings it was about as JSON text; the
 * files recorded with one belong to it as a finding's belong to the finding.
 */
export class AdmonitionInterviews1733530000000 implements MigrationInterface {
  name = 'AdmonitionInterviews1733530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'interviews',
        columns: [
          id(),
          ref('departmentId'),
          ref('personId', true),
          { name: 'findingIds', type: 'text' },
          text('heldOn', 10),
          { name: 'summary', type: 'text' },
          { name: 'attachments', type: 'text' },
          { name: 'integrity', type: 'boolean' },
          { name: 'recordingOfficeFor', type: 'text' },
          ref('recordedBy'),
          instantColumn(queryRunner, 'recordedAt'),
        ],
        indices: [{ columnNames: ['departmentId', 'heldOn'] }, { columnNames: ['heldOn'] }],
      }),
    );
    await queryRunner.addColumn('attachments', new TableColumn(ref('interviewId', true)));
    await queryRunner.createIndex('attachments', ATTACHMENT_INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('attachments', ATTACHMENT_INDEX);
    await queryRunner.dropColumn('attachments', 'interviewId');
    await queryRunner.dropTable('interviews');
  }
}
