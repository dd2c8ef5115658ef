import { MigrationInterface, QueryRunner } from 'typeorm';
import { rewriteFindings } from './1732800000000-evidence-and-audit-chain';

/**
 * Version 4 of the finding machine: whoever accepted a finding's verification may not also approve
 * its closure audit unless another discipline-office user allows it (ALLOW_SELF_AUDIT). Findings
 * move to it with no such allowance on record; nothing else about them changes.
 */
export class SeparationOfDuties1733400000000 implements MigrationInterface {
  name = 'SeparationOfDuties1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await rewriteFindings(queryRunner, 3, 4, (context) => ({ ...context, selfAuditAllowance: null }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rewriteFindings(queryRunner, 4, 3, ({ selfAuditAllowance: _allowance, ...context }) => context);
  }
}
