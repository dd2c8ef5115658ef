import { DateTime } from 'luxon';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions } from 'typeorm';
import { id, instantColumn, ref, run, text } from './columns';

interface StoredFinding {
  value: unknown;
  context: { deadline: string | null; proposedDeadline: string | null; extensionLimit?: number } & Record<string, unknown>;
}

/** The settings this migration reads, with the service's defaults: dates become instants in the hospital's zone. */
const timeZone = () => process.env.TIME_ZONE || 'Asia/Shanghai';
const extensionLimit = () => Number(process.env.EXTENSION_LIMIT || 2);

const endOfDay = (date: string | null) => (date === null ? null : DateTime.fromISO(date, { zone: timeZone() }).endOf('day').toISO());
const dateOf = (instant: string | null) => (instant === null ? null : DateTime.fromISO(instant, { zone: timeZone() }).toISODate());

/**
 * Deadlines that fire: each finding's next timer, the notification outbox (in-app inbox and
 * webhook deliveries with every attempt), and version 2 of the finding machine, whose deadlines are
 * instants (a date alone meaning the end of that day) and whose extension requests are limited.
 *
 * Findings move to version 2 with their dates read as the end of that day in TIME_ZONE; the
 * scheduler gives open ones their timers when the service starts.
 */
export class DeadlinesAndNotifications1732600000000 implements MigrationInterface {
  name = 'DeadlinesAndNotifications1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = (name: string, isNullable = false) => instantColumn(queryRunner, name, isNullable);

    await this.retypeDeadline(queryRunner, timestamp('deadline', true));
    await this.rewriteFindings(queryRunner, 1, 2, (context) => ({
      ...context,
      deadline: endOfDay(context.deadline),
      proposedDeadline: endOfDay(context.proposedDeadline),
      extensionLimit: extensionLimit(),
    }));

    await queryRunner.createTable(
      new Table({
        name: 'finding_timers',
        columns: [
          { ...ref('findingId'), isPrimary: true },
          text('event', 16),
          { name: 'level', type: 'integer', isNullable: true },
          timestamp('dueAt'),
          timestamp('scheduledAt'),
        ],
        foreignKeys: [{ columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['dueAt'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          id(),
          ref('recipientId'),
          ref('noticeId'),
          text('type', 32),
          ref('findingId'),
          { name: 'detail', type: 'text' },
          timestamp('createdAt'),
          timestamp('readAt', true),
        ],
        foreignKeys: [
          { columnNames: ['recipientId'], referencedTableName: 'users', referencedColumnNames: ['id'] },
          { columnNames: ['findingId'], referencedTableName: 'findings', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['recipientId', 'readAt', 'createdAt'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          id(),
          text('url', 2000),
          text('secret', 200),
          ref('departmentId', true),
          text('role', 32, true),
          { name: 'events', type: 'text', isNullable: true },
          { name: 'active', type: 'boolean', default: true },
          ref('createdBy'),
          timestamp('createdAt'),
        ],
        foreignKeys: [{ columnNames: ['departmentId'], referencedTableName: 'departments', referencedColumnNames: ['id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id(),
          ref('endpointId'),
          ref('noticeId'),
          text('type', 32),
          ref('findingId'),
          { name: 'body', type: 'text' },
          text('status', 16),
          { name: 'attempts', type: 'integer', default: 0 },
          timestamp('nextAttemptAt'),
          timestamp('leaseUntil', true),
          timestamp('deliveredAt', true),
          text('lastError', 500, true),
          timestamp('createdAt'),
        ],
        foreignKeys: [{ columnNames: ['endpointId'], referencedTableName: 'webhook_endpoints', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['status', 'nextAttemptAt'] }, { columnNames: ['endpointId', 'createdAt'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_attempts',
        columns: [
          id(),
          ref('deliveryId'),
          { name: 'attempt', type: 'integer' },
          timestamp('at'),
          { name: 'statusCode', type: 'integer', isNullable: true },
          text('error', 500, true),
          { name: 'durationMs', type: 'integer' },
        ],
        foreignKeys: [{ columnNames: ['deliveryId'], referencedTableName: 'webhook_deliveries', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['deliveryId'] }],
      }),
    );
  }

  /** Takes findings back to version 1: deadlines become their dates again; the timers and the outbox are dropped. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'notifications', 'finding_timers']) {
      await queryRunner.dropTable(table);
    }
    await this.retypeDeadline(queryRunner, { name: 'deadline', type: 'date', isNullable: true });
    await this.rewriteFindings(queryRunner, 2, 1, ({ extensionLimit: _limit, ...context }) => ({
      ...context,
      deadline: dateOf(context.deadline),
      proposedDeadline: dateOf(context.proposedDeadline),
    }));
  }

  /** The column's values are rewritten from the snapshots afterwards; PostgreSQL keeps its indexes with ALTER TYPE. */
  private async retypeDeadline(queryRunner: QueryRunner, column: TableColumnOptions): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE "findings" ALTER COLUMN "deadline" TYPE ${column.type} USING NULL`);
    } else {
      await queryRunner.changeColumn('findings', 'deadline', new TableColumn(column));
    }
  }

  private async rewriteFindings(
    queryRunner: QueryRunner,
    from: number,
    to: number,
    rewrite: (context: StoredFinding['context']) => StoredFinding['context'],
  ): Promise<void> {
    const findings: { id: string; snapshot: string }[] = await queryRunner.query(
      `SELECT "id", "snapshot" FROM "findings" WHERE "workflowVersion" = ${from}`,
    );
    for (const finding of findings) {
      const stored = JSON.parse(finding.snapshot) as StoredFinding;
      const context = rewrite(stored.context);
      const deadline = context.deadline === null ? null : to === 1 ? context.deadline : new Date(context.deadline);
      await run(queryRunner, `UPDATE "findings" SET "snapshot" = :snapshot, "workflowVersion" = :to, "deadline" = :deadline WHERE "id" = :id`, {
        snapshot: JSON.stringify({ value: stored.value, context }),
        to,
        deadline,
        id: finding.id,
      });
    }
  }
}
