import type { QueryRunner } from 'typeorm';

const REFUSAL = 'audit entries are append-only: they are never updated or deleted';

const isPostgres = (queryRunner: QueryRunner) => queryRunner.connection.options.type === 'postgres';

/**
 * On PostgreSQL, with `sealing`, the one change allowed: an entry written unlinked is linked to
 * the chain, once (its seq and hash go from null to a value, every other column stays as it was).
 */
const SEALING = `
  DECLARE unlinked "audit_entries";
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      IF OLD."seq" IS NULL AND OLD."hash" IS NULL AND NEW."seq" IS NOT NULL AND NEW."hash" IS NOT NULL THEN
        unlinked := NEW;
        unlinked."seq" := NULL;
        unlinked."hash" := NULL;
        IF unlinked IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF;
      END IF;
    END IF;
    RAISE EXCEPTION '${REFUSAL}' USING ERRCODE = 'insufficient_privilege';
  END`;

/**
 * The database itself refuses to change or remove an audit entry, whoever asks: the service,
 * a migration, or someone at a SQL prompt with the service's credentials; on PostgreSQL with
 * `sealing` (from migration 1733700000000 on), all but the sealer's linking of an entry.
 */
export async function createAuditTriggers(queryRunner: QueryRunner, { sealing = false } = {}): Promise<void> {
  if (isPostgres(queryRunner)) {
    const body = sealing ? SEALING : `BEGIN RAISE EXCEPTION '${REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END`;
    await queryRunner.query(`CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ ${body} $$`);
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
