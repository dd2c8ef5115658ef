import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { instantColumn } from './columns';

/**
 * Endpoints of several kinds: the generic signed webhook (every endpoint so far), a WeCom or
 * DingTalk group robot, or an office mailbox (`url` is then `mailto:address`). `roundTypes` narrows
 * what an endpoint takes (null: every round type). A robot sends at most `ratePerMinute` messages a
 * minute, counted in `rateWindowStartedAt`/`rateWindowSent` on its row, which every instance claims
 * under the row's lock, so the rate holds across instances.
 */
export class NotificationChannels1733720000000 implements MigrationInterface {
  name = 'NotificationChannels1733720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('webhook_endpoints', [
      new TableColumn({ name: 'kind', type: 'varchar', length: '16', isNullable: false, default: "'webhook'" }),
      new TableColumn({ name: 'roundTypes', type: 'text', isNullable: true }),
      new TableColumn({ name: 'ratePerMinute', type: 'integer', isNullable: true }),
      new TableColumn(instantColumn(queryRunner, 'rateWindowStartedAt', true)),
      new TableColumn({ name: 'rateWindowSent', type: 'integer', isNullable: false, default: 0 }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('webhook_endpoints', ['rateWindowSent', 'rateWindowStartedAt', 'ratePerMinute', 'roundTypes', 'kind']);
  }
}
