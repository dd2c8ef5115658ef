import { TableColumn, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** Instants: `timestamptz` on PostgreSQL; SQLite keeps UTC text in a `datetime` column. */
const instant = (queryRunner: QueryRunner) => (queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime');

/** An instant column; `createdAt` and `updatedAt` default to the time of insert. */
export const instantColumn = (queryRunner: QueryRunner, name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: instant(queryRunner),
  isNullable,
  ...(name === 'createdAt' || name === 'updatedAt' ? { default: 'CURRENT_TIMESTAMP' } : {}),
});

export const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
export const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
export const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});


/** Plain SQL with named parameters: a migration must not lean on today's entities, which may change after it. */
export function run(queryRunner: QueryRunner, sql: string, parameters: Record<string, unknown>): Promise<unknown> {
  const [query, values] = queryRunner.connection.driver.escapeQueryWithParameters(sql, parameters);
  return queryRunner.query(query, values);
}

/**
 * Makes a reference column nullable, or required again. On PostgreSQL in place: TypeORM's
 * changeColumn would drop and re-add the column (and its indexes), emptying it. SQLite cannot alter
 * a column, so changeColumn rebuilds the table there, copying every row.
 */
export async function refOptional(queryRunner: QueryRunner, table: string, column: string, optional: boolean): Promise<void> {
  if (queryRunner.connection.options.type === 'postgres') {
    await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" ${optional ? 'DROP' : 'SET'} NOT NULL`);
  } else {
    await queryRunner.changeColumn(table, column, new TableColumn(ref(column, optional)));
  }
}
