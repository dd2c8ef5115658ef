import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

/**
 * Sign-in sessions (refresh tokens), tablet device tokens, forced password changes, and audit
 * entries for security events, which may have no actor (a failed login) and no state.
 */
export class AccountsAndDevices1732400000000 implements MigrationInterface {
  name = 'AccountsAndDevices1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = (name: string, isNullable = false) => instantColumn(queryRunner, name, isNullable);

    await queryRunner.addColumn('users', new TableColumn({ name: 'mustChangePassword', type: 'boolean', default: false }));

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id(),
          ref('userId'),
          text('secretHash', 64),
          text('previousSecretHash', 64, true),
          timestamp('createdAt'),
          timestamp('refreshedAt'),
          timestamp('expiresAt'),
          timestamp('revokedAt', true),
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['userId'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'devices',
        columns: [
          id(),
          text('name', 200),
          ref('userId'),
          { ...text('tokenHash', 64), isUnique: true },
          ref('createdBy'),
          timestamp('createdAt'),
          timestamp('revokedAt', true),
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['userId'] }],
      }),
    );

    for (const column of ['actorId', 'entityId']) {
      await queryRunner.changeColumn('audit_entries', column, new TableColumn(ref(column, true)));
    }
    await queryRunner.changeColumn('audit_entries', 'toState', new TableColumn({ name: 'toState', type: 'text', isNullable: true }));
  }

  /** Leaves the audit columns nullable: making them required again would mean deleting audit entries. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('devices');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropColumn('users', 'mustChangePassword');
  }
}
