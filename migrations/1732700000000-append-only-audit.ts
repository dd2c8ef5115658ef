import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAuditTriggers, dropAuditTriggers } from './audit-triggers';

/** Audit entries become append-only: triggers refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE. */
export class AppendOnlyAudit1732700000000 implements MigrationInterface {
  name = 'AppendOnlyAudit1732700000000';

  up(queryRunner: QueryRunner): Promise<void> {
    return createAuditTriggers(queryRunner);
  }

  down(queryRunner: QueryRunner): Promise<void> {
    return dropAuditTriggers(queryRunner);
  }
}
