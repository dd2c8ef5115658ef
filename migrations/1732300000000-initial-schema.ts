import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

export class InitialSchema1732300000000 implements MigrationInterface {
  name = 'InitialSchema1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = (name: string, isNullable = false) => instantColumn(queryRunner, name, isNullable);
    const workflowColumns: TableColumnOptions[] = [
      text('workflowId', 64),
      { name: 'workflowVersion', type: 'integer' },
      { name: 'snapshot', type: 'text' },
      { name: 'version', type: 'integer' },
      text('state', 32),
      ref('createdBy'),
      timestamp('createdAt'),
      timestamp('updatedAt'),
    ];

    await queryRunner.createTable(
      new Table({
        name: 'departments',
        columns: [
          id(),
          { ...text('code', 32), isUnique: true },
          text('name', 200),
          text('kind', 16),
          text('partyBranch', 200, true),
          { name: 'leadOfficeFor', type: 'text' },
          timestamp('createdAt'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          { ...text('username', 64), isUnique: true },
          text('passwordHash', 255),
          text('displayName', 200),
          { name: 'roles', type: 'text' },
          ref('departmentId', true),
          { name: 'active', type: 'boolean', default: true },
          { name: 'tokenVersion', type: 'integer', default: 0 },
          timestamp('createdAt'),
        ],
        foreignKeys: [{ columnNames: ['departmentId'], referencedTableName: 'departments', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['departmentId'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'rounds',
        columns: [
          id(),
          { name: 'types', type: 'text' },
          ref('departmentId'),
          ref('leadId'),
          { name: 'teamMemberIds', type: 'text' },
          { name: 'scheduledFor', type: 'date' },
          ...workflowColumns,
        ],
        foreignKeys: [
          { columnNames: ['departmentId'], referencedTableName: 'departments', referencedColumnNames: ['id'] },
          { columnNames: ['leadId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
        ],
        indices: [
          { columnNames: ['state'] },
          { columnNames: ['departmentId'] },
          { columnNames: ['leadId'] },
          { columnNames: ['scheduledFor'] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'findings',
        columns: [
          id(),
          ref('roundId'),
          text('roundType', 32),
          text('title', 200),
          { name: 'description', type: 'text' },
          text('severity', 16),
          text('location', 200, true),
          ref('responsibleDepartmentId'),
          text('timeliness', 16),
          text('extension', 16),
          { name: 'overdue', type: 'boolean' },
          { name: 'deadline', type: 'date', isNullable: true },
          { name: 'rejections', type: 'integer' },
          timestamp('closedAt', true),
          ...workflowColumns,
        ],
        foreignKeys: [
          { columnNames: ['roundId'], referencedTableName: 'rounds', referencedColumnNames: ['id'] },
          { columnNames: ['responsibleDepartmentId'], referencedTableName: 'departments', referencedColumnNames: ['id'] },
        ],
        indices: [
          { columnNames: ['roundId'] },
          { columnNames: ['state', 'deadline'] },
          { columnNames: ['roundType', 'deadline'] },
          { columnNames: ['responsibleDepartmentId', 'deadline'] },
          { columnNames: ['severity', 'deadline'] },
          { columnNames: ['overdue', 'deadline'] },
          { columnNames: ['deadline'] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          timestamp('at'),
          ref('actorId'),
          text('actorRole', 32),
          text('entityType', 16),
          ref('entityId'),
          text('event', 32),
          { name: 'payload', type: 'text' },
          { name: 'fromState', type: 'text', isNullable: true },
          { name: 'toState', type: 'text' },
          text('requestId', 64),
        ],
        indices: [{ columnNames: ['entityType', 'entityId', 'seq'] }, { columnNames: ['actorId'] }, { columnNames: ['at'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { ...ref('userId'), isPrimary: true },
          { ...text('key', 255), isPrimary: true },
          text('requestHash', 64),
          { name: 'status', type: 'integer' },
          { name: 'body', type: 'text' },
          timestamp('createdAt'),
        ],
      }),
    );
    await queryRunner.createIndex('idempotency_keys', new TableIndex({ columnNames: ['createdAt'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'audit_entries', 'findings', 'rounds', 'users', 'departments']) {
      await queryRunner.dropTable(table);
    }
  }
}
