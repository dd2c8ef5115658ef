import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { ref, refOptional } from './columns';

/**
 * Each person's own e-mails go through the webhook outbox: a delivery owed to a person
 * (`recipientId`, sent to their address) rather than to an endpoint (`endpointId` null), leased,
 * retried and dead-lettered like any other.
 */
export class PersonalEmails1733730000000 implements MigrationInterface {
  name = 'PersonalEmails1733730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await refOptional(queryRunner, 'webhook_deliveries', 'endpointId', true);
    await queryRunner.addColumn('webhook_deliveries', new TableColumn(ref('recipientId', true)));
    await queryRunner.createIndex('webhook_deliveries', new TableIndex({ name: 'IDX_webhook_deliveries_recipient', columnNames: ['recipientId'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "webhook_attempts" WHERE "deliveryId" IN (SELECT "id" FROM "webhook_deliveries" WHERE "endpointId" IS NULL)`);
    await queryRunner.query(`DELETE FROM "webhook_deliveries" WHERE "endpointId" IS NULL`);
    await queryRunner.dropIndex('webhook_deliveries', 'IDX_webhook_deliveries_recipient');
    await queryRunner.dropColumn('webhook_deliveries', 'recipientId');
    await refOptional(queryRunner, 'webhook_deliveries', 'endpointId', false);
  }
}
