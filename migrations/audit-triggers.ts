import type { QueryRunner } from 'typeorm';

const REFUSAL = 'audit entries are append-only: they are never updated or deleted';

const isPostgres = (queryRunner: QueryRunner) => queryRunner.connection.options.type === 'postgres';

/**
 * The database itself refuses to change or remove an audit entry, whoever asks: the service,
 * a migration, or someone at a SQL prompt with the service's credentials.
 */
export async function createAuditTriggers(queryRunner: QueryRunner): Promise<void> {
  if (isPostgres(queryRunner)) {
    await queryRunner.query(
      `CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '${REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries"
       FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
       FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_append_only"()`,
    );
    return;
  }
  for (const operation of ['UPDATE', 'DELETE']) {
    await queryRunner.query(
      `CREATE TRIGGER "audit_entries_no_${operation.toLowerCase()}" BEFORE ${operation} ON "audit_entries"
       BEGIN SELECT RAISE(ABORT, '${REFUSAL}'); END`,
    );
  }
}

export async function dropAuditTriggers(queryRunner: QueryRunner): Promise<void> {
  if (isPostgres(queryRunner)) {
    await queryRunner.query(`DROP TRIGGER "audit_entries_no_truncate" ON "audit_entries"`);
    await queryRunner.query(`DROP TRIGGER "audit_entries_append_only" ON "audit_entries"`);
    await queryRunner.query(`DROP FUNCTION "audit_entries_append_only"()`);
    return;
  }
  await queryRunner.query(`DROP TRIGGER "audit_entries_no_update"`);
  await queryRunner.query(`DROP TRIGGER "audit_entries_no_delete"`);
}
