import { createHash } from 'node:crypto';
import { Client, DatabaseError, QueryConfig, QueryResult } from 'pg';

/** What TypeORM opens every transaction with (PostgresQueryRunner.startTransaction). */
const BEGIN = 'START TRANSACTION';

/**
 * A node-postgres client made for this service's units of work, given to TypeORM's pool through
 * `extra.Client` (with `extra.pipeline`, node-postgres's pipeline mode: a query is written without
 * waiting for the answer to the one before).
 *
 * - Every parameterised query runs as a named prepared statement, so PostgreSQL parses and plans
 *   each distinct query once per connection instead of on every call: on the transition benchmark
 *   a third more throughput, since the server shares the machine. The name is a digest of the
 *   text, so one text always maps to one statement.
 * - A transaction's BEGIN, on a connection with no transaction open, is written and answered at
 *   once, without waiting for the server: the unit of work's first statement follows it on the
 *   wire, saving a round trip per transaction (each costs both processes a wake-up and the kernel a
 *   write). Its answer still comes back first, and a failed BEGIN fails that statement. On an idle
 *   connection BEGIN fails only with the connection itself, which fails the statement after it
 *   too, so nothing runs outside the transaction it was meant for.
 *
 * A migration that changes a table's columns invalidates statements prepared before it (PostgreSQL
 * answers "cached plan must not change result type"); this service migrates before it queries, so
 * only instances left running on the old schema would see that.
 */
export class PreparingClient extends Client {
  /** The BEGIN written ahead of the statement that follows it, while that statement is not yet written. */
  private begun?: Promise<QueryResult>;
  /**
   * Texts whose statement node-postgres refused to send (a value it could not serialise): it
   * closes the statement on the server but still counts it as prepared, so the text gets a new
   * name on this connection.
   */
  private readonly renamed = new Map<string, number>();
  /** Whether the socket's buffer holds statements that wait for the next one to be written. */
  private holding = false;
  /** Whether the next statement is one to hold (set by queryWithoutWaiting). */
  private holdNext = false;

  /**
   * Writes a statement whose answer is awaited later, held with the others until the next
   * statement that is waited for, or `sendHeld`. Only in pipeline mode, where a statement is
   * written as it is queried: otherwise it is written at once.
   */
  queryWithoutWaiting(text: string, values: unknown[]): Promise<QueryResult> {
    this.holdNext = this.pipeline;
    return this.query(text, values);
  }

  /** Writes what is held. Before waiting for the answer to a held statement, it must have been written. */
  sendHeld(): void {
    if (!this.holding) return;
    this.holding = false;
    this.socket().uncork();
  }

  override query(...args: unknown[]): never {
    const [text, values] = args;
    const beginsAhead = text === BEGIN && isEmpty(values) && args.length <= 2 && this.pipeline && !this.begun && this.getTransactionStatus() === 'I';
    const held = beginsAhead || this.holdNext;
    this.holdNext = false;
    if (held && !this.holding) {
      this.socket().cork();
      this.holding = true;
    }
    try {
      return this.write(args, beginsAhead);
    } finally {
      if (!held) this.sendHeld();
    }
  }

  private write(args: unknown[], beginsAhead: boolean): never {
    const [text, values] = args;
    const query = super.query as (...a: unknown[]) => never;
    if (beginsAhead) {
      this.begun = query.call(this, BEGIN) as Promise<QueryResult>;
      // Answered through the next statement; COMMIT or ROLLBACK with nothing between still waits for it.
      this.begun.catch(() => undefined);
      return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [], fields: [], oid: 0 }) as never;
    }
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const named: QueryConfig = { name: this.statementName(text), text, values };
      args = [named, ...args.slice(2)];
    }
    const begun = this.begun;
    this.begun = undefined;
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      // The callback form (pg-pool's own queries): answered once BEGIN has been, with its failure first.
      if (begun) args[args.length - 1] = (error: unknown, result: unknown) => void begun.then(() => callback(error, result), (failure: unknown) => callback(failure));
      return query.apply(this, args);
    }
    const answer = (query.apply(this, args) as Promise<unknown>).catch((error: unknown) => {
      // A server's refusal leaves the statement prepared; only one refused before it was sent does not.
      if (!(error instanceof DatabaseError) && typeof text === 'string') this.renamed.set(text, (this.renamed.get(text) ?? 0) + 1);
      throw error;
    });
    return (begun ? Promise.all([begun, answer]).then(([, result]) => result) : answer) as never;
  }

  /** The connection's socket (node-postgres's own, not in its typings). */
  private socket(): { cork(): void; uncork(): void } {
    return (this as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
  }

  private statementName(text: string): string {
    const digest = createHash('sha1').update(text).digest('hex');
    const renamed = this.renamed.get(text);
    return renamed === undefined ? `s_${digest}` : `s_${digest}_${renamed}`;
  }
}

const isEmpty = (values: unknown): boolean => values === undefined || (Array.isArray(values) && values.length === 0);
