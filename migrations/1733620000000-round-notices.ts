import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { ref, refOptional } from './columns';

/** One person's copy of a notice is about a finding or a round; a round notice reaches each person once per type. */
const ONCE_PER_ROUND = new TableIndex({ name: 'UQ_notifications_round_type_recipient', columnNames: ['roundId', 'type', 'recipientId'], isUnique: true });

/** Round notices in the inbox: `roundId` added, `findingId` optional. */
export class RoundNotices1733620000000 implements MigrationInterface {
  name = 'RoundNotices1733620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await refOptional(queryRunner, 'notifications', 'findingId', true);
    await queryRunner.addColumn('notifications', new TableColumn(ref('roundId', true)));
    // Finding notices have no roundId; NULLs never clash in a unique index, on either database.
    await queryRunner.createIndex('notifications', ONCE_PER_ROUND);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('notifications', ONCE_PER_ROUND);
    await queryRunner.query(`DELETE FROM "notifications" WHERE "findingId" IS NULL`);
    await queryRunner.dropColumn('notifications', 'roundId');
    await refOptional(queryRunner, 'notifications', 'findingId', false);
  }
}
