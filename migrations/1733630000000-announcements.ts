import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, instantColumn, ref, refOptional, text } from './columns';

/** Each person gets an announcement once, however many instances deliver it. */
const ONCE_PER_ANNOUNCEMENT = new TableIndex({ name: 'UQ_notifications_announcement_recipient', columnNames: ['announcementId', 'recipientId'], isUnique: true });

/** A round notice reaches each endpoint once per type, however often the scheduler runs. */
const ROUND_NOTICE_ONCE = new TableIndex({ name: 'UQ_webhook_deliveries_round_type_endpoint', columnNames: ['roundId', 'type', 'endpointId'], isUnique: true });

/**
 * Announcements (节前提醒) and their inbox copies; webhook deliveries may now be about a round or an
 * announcement rather than a finding.
 */
export class Announcements1733630000000 implements MigrationInterface {
  name = 'Announcements1733630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'announcements',
        columns: [
          id(),
          text('title', 200),
          { name: 'body', type: 'text' },
          { name: 'audienceRoles', type: 'text' },
          { name: 'audienceDepartmentIds', type: 'text' },
          instantColumn(queryRunner, 'publishAt'),
          ref('createdBy'),
          instantColumn(queryRunner, 'createdAt'),
          ref('cancelledBy', true),
          instantColumn(queryRunner, 'cancelledAt', true),
          instantColumn(queryRunner, 'deliveredAt', true),
          { name: 'recipientCount', type: 'integer', isNullable: true },
        ],
        indices: [{ name: 'IDX_announcements_due', columnNames: ['deliveredAt', 'publishAt'] }],
      }),
    );
    await queryRunner.addColumn('notifications', new TableColumn(ref('announcementId', true)));
    await queryRunner.createIndex('notifications', ONCE_PER_ANNOUNCEMENT);
    await refOptional(queryRunner, 'webhook_deliveries', 'findingId', true);
    await queryRunner.addColumn('webhook_deliveries', new TableColumn(ref('roundId', true)));
    await queryRunner.addColumn('webhook_deliveries', new TableColumn(ref('announcementId', true)));
    await queryRunner.createIndex('webhook_deliveries', ROUND_NOTICE_ONCE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('webhook_deliveries', ROUND_NOTICE_ONCE);
    await queryRunner.query(`DELETE FROM "webhook_attempts" WHERE "deliveryId" IN (SELECT "id" FROM "webhook_deliveries" WHERE "findingId" IS NULL)`);
    await queryRunner.query(`DELETE FROM "webhook_deliveries" WHERE "findingId" IS NULL`);
    await queryRunner.dropColumn('webhook_deliveries', 'announcementId');
    await queryRunner.dropColumn('webhook_deliveries', 'roundId');
    await refOptional(queryRunner, 'webhook_deliveries', 'findingId', false);
    await queryRunner.dropIndex('notifications', ONCE_PER_ANNOUNCEMENT);
    await queryRunner.query(`DELETE FROM "notifications" WHERE "announcementId" IS NOT NULL`);
    await queryRunner.dropColumn('notifications', 'announcementId');
    await queryRunner.dropTable('announcements');
  }
}
