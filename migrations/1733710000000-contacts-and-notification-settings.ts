import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { instantColumn, ref, text } from './columns';

const CONTACT_COLUMNS = [
  ['email', 254],
  ['mobile', 11],
  ['wecomUserId', 64],
  ['dingtalkUserId', 64],
] as const;

/**
 * A person's contacts on the account (each optional), and their notification settings in a table
 * of their own: one row per person who chose anything (none means everything, no quiet hours), so
 * no account needs a row written for it and the auth guard's reads of `users` stay as they were.
 * `mutedTypes` holds, per channel, the notice types switched off, so a notice type added later
 * reaches everyone until they switch it off.
 */
export class ContactsAndNotificationSettings1733710000000 implements MigrationInterface {
  name = 'ContactsAndNotificationSettings1733710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // ADD COLUMN in place on both databases (TypeORM's addColumn rebuilds the table on SQLite).
    for (const [column, length] of CONTACT_COLUMNS) await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "${column}" varchar(${length})`);
    await queryRunner.createTable(
      new Table({
        name: 'notification_settings',
        columns: [
          { ...ref('userId'), isPrimary: true },
          { name: 'mutedTypes', type: 'text' },
          text('quietHoursStart', 5, true),
          text('quietHoursEnd', 5, true),
          instantColumn(queryRunner, 'updatedAt'),
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notification_settings');
    for (const [column] of CONTACT_COLUMNS) await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "${column}"`);
  }
}
