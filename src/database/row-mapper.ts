import { joinsSql, type Scope } from '../access/visibility';
import { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { writeWithoutWaiting } from './database';

/** Bound parameters per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535). */
const MAX_BOUND_PARAMETERS = 30_000;

/**
 * Plain SQL for the engine's hot path, with TypeORM's own per-column conversions (dates, JSON,
 * booleans) so SQLite and PostgreSQL read and write the same values. Building and hydrating a
 * query-builder query costs several times what the database takes to answer it.
 */
export class RowMapper<E extends ObjectLiteral> {
  private static readonly cache = new WeakMap<DataSource, Map<unknown, RowMapper<ObjectLiteral>>>();

  static of<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>): RowMapper<E> {
    const dataSource = manager.connection;
    let mappers = RowMapper.cache.get(dataSource);
    if (!mappers) RowMapper.cache.set(dataSource, (mappers = new Map()));
    let mapper = mappers.get(entity);
    if (!mapper) mappers.set(entity, (mapper = new RowMapper(dataSource, dataSource.getMetadata(entity))));
    return mapper as unknown as RowMapper<E>;
  }

  private readonly postgres: boolean;
  private readonly table: string;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly metadata: EntityMetadata,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
    this.table = `"${metadata.tableName}"`;
  }

  /**
   * The row by primary key, if `scope` lets its caller see it; on PostgreSQL optionally locked
   * until the transaction ends.
   */
  async findById(manager: EntityManager, id: string, { lock = false, scope }: { lock?: boolean; scope?: Scope } = {}): Promise<E | null> {
    const alias = scope ? `"${scope.alias}"` : this.table;
    const joins = scope ? joinsSql(scope) : '';
    const condition = scope ? ` AND (${scope.condition})` : '';
    const forUpdate = lock && this.postgres ? ` FOR UPDATE OF ${alias}` : '';
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT ${alias}.* FROM ${this.table} ${alias}${joins} WHERE ${alias}."id" = :id${condition}${forUpdate}`,
      { ...scope?.parameters, id },
    );
    const [raw] = await manager.query(sql, parameters);
    return raw ? this.hydrate(raw) : null;
  }

  /** `unanswered`, here and below: written without waiting for the answer (writeWithoutWaiting). */
  async deleteById(manager: EntityManager, id: string, { unanswered = false } = {}): Promise<void> {
    const key = `"${this.metadata.primaryColumns[0].databaseName}"`;
    await this.write(manager, `DELETE FROM ${this.table} WHERE ${key} = ${this.placeholder(1)}`, [id], unanswered);
  }

  async insert(manager: EntityManager, values: Partial<E>): Promise<void> {
    await this.insertMany(manager, [values]);
  }

  /** Inserts the row, or overwrites the row with the same `key` column; one statement on both databases. */
  async upsert(manager: EntityManager, values: Partial<E>, key: keyof E & string, { unanswered = false } = {}): Promise<void> {
    const { sql, parameters } = this.insertStatement([values]);
    const conflict = `"${this.metadata.findColumnWithPropertyName(key)!.databaseName}"`;
    const updates = this.dehydrate(values).columns.filter((column) => column !== conflict).map((column) => `${column} = excluded.${column}`);
    await this.write(manager, `${sql} ON CONFLICT (${conflict}) DO UPDATE SET ${updates.join(', ')}`, parameters, unanswered);
  }

  /**
   * Writes the columns `changes` alters, only if the row is still at the version it was loaded
   * with; answers whether it was. Unchanged columns stay out of the statement, so their indexes
   * are not rewritten.
   *
   * `locked`: the row was loaded under its lock in this transaction (findById with `lock`). On
   * PostgreSQL its version then cannot have moved, so the update is written without waiting for
   * its answer (writeWithoutWaiting), a round trip sooner, and checks for itself: should it change
   * no row, it fails, dividing by the rows it changed, and the unit of work fails with it.
   */
  async updateAtVersion(manager: EntityManager, loaded: E & { id: string; version: number }, changes: Partial<E>, { locked = false } = {}): Promise<boolean> {
    const changed = Object.fromEntries(
      Object.entries(changes).filter(([property, value]) => !this.samePersisted(property, value, loaded[property])),
    ) as Partial<E>;
    const { columns, parameters } = this.dehydrate(changed);
    const assignments = columns.map((column, i) => `${column} = ${this.placeholder(i + 1)}`);
    const n = parameters.length;
    const update = `UPDATE ${this.table} SET ${assignments.join(', ')} WHERE "id" = ${this.placeholder(n + 1)} AND "version" = ${this.placeholder(n + 2)}`;
    const values = [...parameters, loaded.id, loaded.version];
    if (locked && this.postgres) {
      await writeWithoutWaiting(manager, `WITH "updated" AS (${update} RETURNING 1) SELECT 1 / COUNT(*) AS "updated" FROM "updated"`, values);
      return true;
    }
    const result = await manager.queryRunner!.query(update, values, true);
    return result.affected === 1;
  }

  /**
   * Rows that all set the same columns, in as few statements as the bound-parameter limit allows
   * (SQLite's is 32,766): an import's unit of work appends ten thousand audit entries at once.
   */
  async insertMany(manager: EntityManager, rows: Partial<E>[], { unanswered = false } = {}): Promise<void> {
    if (rows.length === 0) return;
    const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / this.dehydrate(rows[0]).parameters.length));
    for (let first = 0; first < rows.length; first += perStatement) {
      const { sql, parameters } = this.insertStatement(rows.slice(first, first + perStatement));
      await this.write(manager, sql, parameters, unanswered);
    }
  }

  private async write(manager: EntityManager, sql: string, parameters: unknown[], unanswered: boolean): Promise<void> {
    await (unanswered ? writeWithoutWaiting(manager, sql, parameters) : manager.query(sql, parameters));
  }

  /** Rows matching `condition` (SQL after WHERE, named parameters), converted as TypeORM reads them. */
  async select(manager: EntityManager, condition: string, parameters: Record<string, unknown>): Promise<E[]> {
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(`SELECT * FROM ${this.table} WHERE ${condition}`, parameters);
    const raw: Record<string, unknown>[] = await manager.query(sql, values);
    return raw.map((row) => this.hydrate(row));
  }

  private insertStatement(rows: Partial<E>[]): { sql: string; parameters: unknown[] } {
    const dehydrated = rows.map((row) => this.dehydrate(row));
    let index = 0;
    const tuples = dehydrated.map(({ parameters }) => `(${parameters.map(() => this.placeholder(++index)).join(', ')})`);
    return {
      sql: `INSERT INTO ${this.table} (${dehydrated[0].columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      parameters: dehydrated.flatMap(({ parameters }) => parameters),
    };
  }

  /** Whether two values of a scalar column store the same; JSON columns count as changed. */
  private samePersisted(property: string, a: unknown, b: unknown): boolean {
    const column = this.metadata.findColumnWithPropertyName(property);
    if (!column || (typeof a === 'object' && a !== null && !(a instanceof Date))) return false;
    const [x, y] = [a, b].map((value) => this.dataSource.driver.preparePersistentValue(value, column));
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  }

  private hydrate(raw: Record<string, unknown>): E {
    const entity = this.metadata.create() as E;
    for (const column of this.metadata.columns) {
      (entity as ObjectLiteral)[column.propertyName] = this.dataSource.driver.prepareHydratedValue(raw[column.databaseName], column);
    }
    // As TypeORM's own reads do: the entity's @AfterLoad listeners run on what was read.
    for (const listener of this.metadata.afterLoadListeners) listener.execute(entity);
    return entity;
  }

  private dehydrate(values: Partial<E>): { columns: string[]; parameters: unknown[] } {
    const columns: string[] = [];
    const parameters: unknown[] = [];
    for (const [property, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const column = this.metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
      columns.push(`"${column.databaseName}"`);
      parameters.push(this.dataSource.driver.preparePersistentValue(value, column));
    }
    return { columns, parameters };
  }

  private placeholder(index: number): string {
    return this.postgres ? `$${index}` : '?';
  }
}

/** A named instant parameter where its type cannot be inferred (an INSERT … SELECT list): PostgreSQL needs the cast, SQLite stores text. */
export function instantParameter(manager: EntityManager, name: string): string {
  return manager.connection.options.type === 'postgres' ? `CAST(:${name} AS timestamptz)` : `:${name}`;
}
