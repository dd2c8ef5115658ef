import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { GENESIS_HASH, chainHash } from '../src/audit/audit-chain';
import { createAuditTriggers, dropAuditTriggers } from './audit-triggers';
import { id, instantColumn, ref, run, text } from './columns';

const PAGE = 5000;

interface StoredEntry {
  seq: number;
  at: Date | string;
  actorId: string | null;
  actorRole: string;
  entityType: string;
  entityId: string | null;
  event: string;
  payload: string;
  fromState: string | null;
  toState: string | null;
  requestId: string;
}

interface StoredFinding {
  value: unknown;
  context: Record<string, unknown> & { severity: string };
}

/**
 * Evidence files (`attachments`), version 3 of the finding machine (it keeps the evidence and its
 * acceptance), and the audit chain.
 *
 * Findings move to version 3 needing the evidence that EVIDENCE_REQUIRED asks of their severity
 * (default: one attachment for a critical finding), with no evidence or acceptance on record: what
 * earlier versions took as evidence was a note, and it stays in their audit entries.
 *
 * Audit entries form a hash chain: each stores SHA-256 of the previous entry's hash and its own
 * canonical serialisation (src/audit/audit-chain.ts). Numbers come from the chain, not from a
 * database sequence, so they have no gaps: the entries already written are numbered 1, 2, 3, …
 * in their order and linked here, once, with the append-only triggers lifted for the purpose.
 */
export class EvidenceAndAuditChain1732800000000 implements MigrationInterface {
  name = 'EvidenceAndAuditChain1732800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'attachments',
        columns: [
          id(),
          text('sha256', 64),
          { name: 'size', type: 'integer' },
          text('contentType', 100),
          text('originalName', 255),
          text('effectiveDate', 10, true),
          ref('uploadedBy'),
          instantColumn(queryRunner, 'uploadedAt'),
          ref('findingId', true),
          instantColumn(queryRunner, 'usedAt', true),
        ],
        foreignKeys: [
          { columnNames: ['uploadedBy'], referencedTableName: 'users', referencedColumnNames: ['id'] },
          { columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['findingId'] }, { columnNames: ['sha256'] }, { columnNames: ['uploadedAt'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'closure_audit_draws',
        columns: [
          { name: 'month', type: 'varchar', length: '7', isPrimary: true },
          ref('id'),
          { name: 'candidates', type: 'integer' },
          { name: 'size', type: 'integer' },
          instantColumn(queryRunner, 'drawnAt'),
          ref('drawnBy', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'closure_audit_samples',
        columns: [
          id(),
          text('month', 7),
          ref('findingId'),
          instantColumn(queryRunner, 'drawnAt'),
          text('outcome', 16, true),
          instantColumn(queryRunner, 'reviewedAt', true),
          ref('reviewedBy', true),
        ],
        foreignKeys: [
          { columnNames: ['month'], referencedTableName: 'closure_audit_draws', referencedColumnNames: ['month'] },
          { columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] },
        ],
        uniques: [{ columnNames: ['month', 'findingId'] }],
        indices: [{ columnNames: ['findingId', 'outcome'] }],
      }),
    );
    const required = (process.env.EVIDENCE_REQUIRED ?? 'critical:1').split(',').map((rule) => rule.split(':'));
    await rewriteFindings(queryRunner, 2, 3, (context) => ({
      ...context,
      evidenceRequired: Number(required.find(([severity]) => severity === context.severity)?.[1] ?? 0),
      photos: [],
      evidence: null,
      verification: null,
      closureApproval: null,
    }));
    await this.chain(queryRunner);
  }

  private async chain(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await dropAuditTriggers(queryRunner);
    if (postgres) {
      await queryRunner.query(`ALTER TABLE "audit_entries" ALTER COLUMN "seq" DROP DEFAULT`);
      await queryRunner.query(`DROP SEQUENCE IF EXISTS "audit_entries_seq_seq"`);
      await queryRunner.query(`ALTER TABLE "audit_entries" ADD COLUMN "hash" varchar(64)`);
    } else {
      await queryRunner.query(`ALTER TABLE "audit_entries" ADD COLUMN "hash" varchar(64) NOT NULL DEFAULT ''`);
    }
    let previous = GENESIS_HASH;
    for (let done = 0; ; ) {
      const entries = (await run(queryRunner, `SELECT * FROM "audit_entries" WHERE "seq" > :done ORDER BY "seq" LIMIT ${PAGE}`, { done })) as StoredEntry[];
      if (entries.length === 0) break;
      for (const entry of entries) {
        const seq = ++done;
        previous = chainHash(previous, {
          seq,
          at: postgres ? (entry.at as Date) : new Date(`${String(entry.at).replace(' ', 'T')}Z`),
          actorId: entry.actorId,
          actorRole: entry.actorRole,
          entityType: entry.entityType as never,
          entityId: entry.entityId,
          event: entry.event,
          payload: JSON.parse(entry.payload),
          fromState: entry.fromState === null ? null : JSON.parse(entry.fromState),
          toState: entry.toState === null ? null : JSON.parse(entry.toState),
          requestId: entry.requestId,
        });
        // Numbers only ever move down into the gap below them, so no two rows meet on one.
        await run(queryRunner, `UPDATE "audit_entries" SET "seq" = :seq, "hash" = :hash WHERE "seq" = :old`, { seq, hash: previous, old: entry.seq });
      }
    }
    if (postgres) await queryRunner.query(`ALTER TABLE "audit_entries" ALTER COLUMN "hash" SET NOT NULL`);
    await createAuditTriggers(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rewriteFindings(queryRunner, 3, 2, ({ evidenceRequired: _required, photos: _photos, evidence: _evidence, verification: _verification, closureApproval: _approval, ...context }) =>
      context,);
    await queryRunner.dropTable('closure_audit_samples');
    await queryRunner.dropTable('closure_audit_draws');
    await queryRunner.dropTable('attachments');
    await dropAuditTriggers(queryRunner);
    await queryRunner.query(`ALTER TABLE "audit_entries" DROP COLUMN "hash"`);
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`CREATE SEQUENCE "audit_entries_seq_seq" OWNED BY "audit_entries"."seq"`);
      await queryRunner.query(`SELECT setval('"audit_entries_seq_seq"', COALESCE(MAX("seq"), 0) + 1, false) FROM "audit_entries"`);
      await queryRunner.query(`ALTER TABLE "audit_entries" ALTER COLUMN "seq" SET DEFAULT nextval('"audit_entries_seq_seq"')`);
    }
    await createAuditTriggers(queryRunner);
  }
}

export async function rewriteFindings(
  queryRunner: QueryRunner,
  from: number,
  to: number,
  rewrite: (context: StoredFinding['context']) => StoredFinding['context'],
): Promise<void> {
  const findings: { id: string; snapshot: string }[] = await queryRunner.query(`SELECT "id", "snapshot" FROM "findings" WHERE "workflowVersion" = ${from}`);
  for (const finding of findings) {
    const stored = JSON.parse(finding.snapshot) as StoredFinding;
    await run(queryRunner, `UPDATE "findings" SET "snapshot" = :snapshot, "workflowVersion" = :to WHERE "id" = :id`, {
      snapshot: JSON.stringify({ value: stored.value, context: rewrite(stored.context) }),
      to,
      id: finding.id,
    });
  }
}
